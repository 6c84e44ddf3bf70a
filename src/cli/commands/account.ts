/** `qpc account register|login|restore USER` and `qpc logout`: handlers behind the definitions in ../program. */
import { readFileSync } from 'node:fs';
import { ExitCode, UsageError, type ExitCodeValue } from '../exitCodes.js';
import { newSecretProblem } from '../../engine/store/secretRules.js';
import { writeLine, type CliIo } from '../io.js';
import { QpcEngine } from '../../engine/qpcEngine.js';
import { isQpcError, NetworkError } from '../../lib/errors.js';
import { readPassword, withEngine, type ClientFlags } from './clientSession.js';
import { EngineErrorCode } from '../../engine/engineErrors.js';

/** Said when a login re-registered the account after the server replaced its OPAQUE setup. */
export const REREGISTERED_NOTE =
  "qpc: the server replaced its login keys since this account registered; it was re-registered in place with this profile's identity key and this password (same name, groups and keys)";

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
    // The words of an earlier failed attempt, or new ones; kept in the profile until shown.
    const words = QpcEngine.prepareRegistration(store);
    await engine.register(username, password);
    const me = await engine.whoami();
    writeLine(io.stdout, `registered ${me.username}`);
    writeLine(io.stdout, `fingerprint ${me.fingerprint}`);
    if (words !== undefined && options.showRecoveryWords === true) {
      writeLine(io.stdout, `recovery words: ${words}`);
      QpcEngine.confirmRecoveryWords(store);
    } else {
      writeLine(
        io.stderr,
        'qpc: the recovery words were not shown; the full-screen qpc shows them at its next start',
      );
    }
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
    const outcome = await engine.login(username, password);
    if (outcome.reRegistered) writeLine(io.stderr, REREGISTERED_NOTE);
    writeLine(io.stdout, `logged in as ${(await engine.whoami()).username}`);
    return ExitCode.ok;
  });
}

export interface RestoreOptions {
  passwordStdin?: boolean | undefined;
  wordsFile?: string | undefined;
}

/** A new profile for an existing account: the identity from its 24 words, a fresh hybrid key and KeyPackages. */
export async function restore(
  username: string,
  options: RestoreOptions,
  flags: ClientFlags,
  io: CliIo,
): Promise<ExitCodeValue> {
  const usage = 'qpc account restore USER --words-file FILE --password-stdin';
  if (options.wordsFile === undefined)
    throw new UsageError('the recovery words come from a file: add --words-file FILE', usage);
  const words = readFileSync(options.wordsFile, 'utf8');
  const password = await readPassword(io, options.passwordStdin);
  return withEngine(flags, { create: true, io }, async ({ engine, store }) => {
    QpcEngine.restoreIdentity(store, words);
    if ((await engine.login(username, password)).reRegistered) writeLine(io.stderr, REREGISTERED_NOTE);
    const me = await engine.whoami();
    writeLine(io.stdout, `restored ${me.username}`);
    writeLine(io.stdout, `fingerprint ${me.fingerprint}`);
    return ExitCode.ok;
  });
}

/** Revokes the session on the server when it answers, and always forgets it in the profile. */
export function logout(flags: ClientFlags, io: CliIo): Promise<ExitCodeValue> {
  return withEngine(flags, { io }, async ({ engine }) => {
    let reached = true;
    await engine.connect({ session: false }).catch((error: unknown) => {
      // No server saved, or none answers: the token is still forgotten here (said below).
      if (!(error instanceof NetworkError) && !(isQpcError(error) && error.code === EngineErrorCode.noServer))
        throw error;
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
