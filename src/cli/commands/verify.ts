/**
 * `qpc safety-number USER` and `qpc verify USER`: compare, then record the result.
 * A changed key of a verified contact holds sending until `qpc verify USER --acknowledge`.
 */
import { ExitCode, type ExitCodeValue } from '../exitCodes.js';
import { readStdin, writeLine, type CliIo } from '../io.js';
import { withEngine, type ClientFlags } from './clientSession.js';

export function safetyNumber(
  user: string,
  values: { json?: boolean | undefined },
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.connect({ session: false });
    const number = await engine.safetyNumber(user);
    if (values.json === true) {
      writeLine(
        io.stdout,
        JSON.stringify({
          username: number.username,
          groups: number.groups,
          verification: number.verification,
        }),
      );
    } else {
      writeLine(io.stdout, `safety number with ${number.username} (${number.verification}):`);
      writeLine(io.stdout, number.display);
      writeLine(io.stdout, number.qr);
    }
    return ExitCode.ok;
  });
}

export interface VerifyOptions {
  yes?: boolean | undefined;
  acknowledge?: boolean | undefined;
}

export function verify(
  user: string,
  values: VerifyOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    if (values.acknowledge === true) {
      const state = await engine.acknowledgeKeyChange(user);
      writeLine(io.stdout, `acknowledged the new key of ${user} (${state}); compare safety numbers again`);
      return ExitCode.ok;
    }
    await engine.connect({ session: false });
    const number = await engine.safetyNumber(user);
    if (values.yes !== true) {
      writeLine(io.stderr, number.display);
      const answer = (await readStdin(io, 'Do the numbers match what USER sees? [y/N]')).trim();
      if (!/^y(es)?$/iu.test(answer)) {
        writeLine(io.stdout, `not verified: ${number.username}`);
        return ExitCode.failure;
      }
    }
    const state = await engine.verifyContact(user);
    writeLine(io.stdout, `${state} ${number.username}`);
    return ExitCode.ok;
  });
}
