/** `qpc server repin`: handler behind the definition in ../program. */
import { formatServerAddress, parseServerAddress } from '../../engine/net/serverAddress.js';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { openCliProfile, type ClientFlags } from './clientSession.js';

export async function repin(flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  const store = await openCliProfile(flags, { io });
  try {
    const server =
      flags.server === undefined
        ? store.settings.get('server')
        : formatServerAddress(parseServerAddress(flags.server));
    if (server === undefined)
      throw new UsageError('no server saved in this profile; pass --server HOST:PORT');
    const removed = store.serverPins.delete(server);
    writeLine(io.stdout, removed ? `forgot the pinned certificate of ${server}` : `no pin for ${server}`);
    return ExitCode.ok;
  } finally {
    store.close();
  }
}
