/** `qpc whoami [--json]`: handler behind the definition in ../program. Works offline. */
import { describeKeySource } from '../../engine/client/profile.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export function whoami(
  options: { json?: boolean | undefined },
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    const me = await engine.whoami();
    const keySource = describeKeySource(engine.keySource);
    const server = engine.serverText() ?? '';
    if (options.json === true) {
      writeLine(
        io.stdout,
        JSON.stringify({ username: me.username, fingerprint: me.fingerprint, keySource, server }),
      );
    } else {
      writeLine(io.stdout, `username    ${me.username || '(not registered)'}`);
      writeLine(io.stdout, `fingerprint ${me.fingerprintGroups.join(' ')}`);
      writeLine(io.stdout, `store key   ${keySource}`);
      writeLine(io.stdout, `server      ${server || '(none yet)'}`);
    }
    return ExitCode.ok;
  });
}
