/**
 * `qpc keys rotate-identity`: a new identity key from the next SLIP-0010 index of the recovery words,
 * signed over by the old key, published, and put into every group (docs/identity.md). The words come
 * from the profile when it keeps them, else from stdin (--words-stdin) or a terminal prompt.
 */
import { fingerprintOf } from '../../engine/identity/index.js';
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export interface RotateIdentityOptions {
  wordsStdin?: boolean | undefined;
}

export async function rotateIdentity(
  options: RotateIdentityOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const words = options.wordsStdin === true ? await readStdin(io, 'Recovery words') : undefined;
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect();
    const result = await engine.rotateIdentity(words);
    const fingerprint = fingerprintOf(result.statement.newKey);
    writeLine(
      io.stdout,
      `new identity key (index ${result.statement.keyIndex}), fingerprint ${fingerprint.grouped}; ` +
        `published and moved into ${result.groupsUpdated.length} group(s)` +
        (result.groupsDeferred.length > 0
          ? `; ${result.groupsDeferred.length} group(s) with only you move when someone joins`
          : '') +
        '. Contacts who verified you see it signed by your previous key.',
    );
    return ExitCode.ok;
  });
}
