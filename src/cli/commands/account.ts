/** `qpc account register|login USER --password-stdin` and `qpc logout`: handlers behind the definitions in ../program. */
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { newSecretProblem } from '../../engine/store/secretRules.js';
import { writeLine, type CliIo } from '../io.js';
import { QpcEngine } from '../../engine/qpcEngine.js';
import { isQpcError, NetworkError } from '../../lib/errors.js';
import { readPassword, withEngine, type ClientFlags } from './clientSession.js';

export interface RegisterOptions {
  passwordStdin?: boolean | undefined;
  showRecoveryWords?: boolean | undefined;
}

export async function register(
  username: string,
  options: RegisterOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const password = await readPassword(io, options.passwordStdin, 'new');
  // The same rule as the full-screen client's first run.
  const problem = newSecretProblem('password', password);
  if (problem !== undefined) throw new UsageError(problem);
  return withEngine(flags, { create: true, io }, async ({ engine, store }) => {
    const words = store.identity.load() === undefined ? QpcEngine.createIdentity(store) : undefined;
    await engine.register(username, password);
    const me = await engine.whoami();
    writeLine(io.stdout, `registered ${me.username}`);
    writeLine(io.stdout, `fingerprint ${me.fingerprint}`);
    if (words !== undefined && options.showRecoveryWords === true)
      writeLine(io.stdout, `recovery words: ${words}`);
    return ExitCode.ok;
  });
}

export async function login(
  username: string,
  options: { passwordStdin?: boolean | undefined },
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const password = await readPassword(io, options.passwordStdin);
  return withEngine(flags, { io }, async ({ engine }) => {
    await engine.login(username, password);
    writeLine(io.stdout, `logged in as ${(await engine.whoami()).username}`);
    return ExitCode.ok;
  });
}

/** Revokes the session on the server when it answers, and always forgets it in the profile. */
export function logout(flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    let reached = true;
    await engine.connect({ session: false }).catch((error: unknown) => {
      // No server saved, or none answers: the token is still forgotten here (said below).
      if (!(error instanceof NetworkError) && !(isQpcError(error) && error.code === 'NO_SERVER')) throw error;
      reached = false;
    });
    const result = await engine.logout();
    if (!result.hadSession) writeLine(io.stdout, 'not logged in');
    else if (result.revoked) writeLine(io.stdout, 'logged out');
    else {
      writeLine(io.stdout, 'logged out here');
      writeLine(
        io.stderr,
        reached
          ? 'qpc: the server did not confirm; the session was already expired or revoked'
          : 'qpc: the server is not reachable; the session token is forgotten here and expires on the server',
      );
    }
    return ExitCode.ok;
  });
}
