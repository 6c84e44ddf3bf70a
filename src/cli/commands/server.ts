import { parseArgs } from 'node:util';
import { openProfile, resolveProfileDir } from '../../engine/client/profile.js';
import { formatServerAddress, parseServerAddress } from '../../engine/net/serverAddress.js';
import { ExitCode, UsageError } from '../exitCodes.js';
import { writeLine } from '../io.js';
import type { CommandGroup } from './commandGroup.js';
import { clientOptions, clientOptionsHelp } from './clientSession.js';

const help = `Usage: qpc server repin [options]

Forgets the pinned certificate of the server (--server, or the one saved in the profile). The next
connection pins whatever certificate the server shows (trust on first use), so run this only after the
server's operator told you the certificate changed on purpose; compare its SHA-256 with theirs.

Options:
${clientOptionsHelp}`;

export const serverCommand: CommandGroup = {
  name: 'server',
  summary: 'server repin: forget the pinned server certificate after a deliberate change',
  help,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === undefined || sub === '--help' || sub === '-h') {
      writeLine(io.stdout, help);
      return ExitCode.ok;
    }
    if (sub !== 'repin') throw new UsageError(`unknown server command "${sub}"`, 'see qpc server --help');
    const { values } = parseArgs({ args: rest, options: clientOptions, strict: true });
    const store = await openProfile({ dir: resolveProfileDir(values.profile), create: false });
    try {
      const server =
        values.server === undefined
          ? store.settings.get('server')
          : formatServerAddress(parseServerAddress(values.server));
      if (server === undefined)
        throw new UsageError('no server saved in this profile; pass --server HOST:PORT');
      const removed = store.serverPins.delete(server);
      writeLine(io.stdout, removed ? `forgot the pinned certificate of ${server}` : `no pin for ${server}`);
      return ExitCode.ok;
    } finally {
      store.close();
    }
  },
};
