import { AuthError, CodecError, NetworkError, ValidationError } from '../lib/errors.js';

/** Process exit codes of `qpc`, in one place so scripts can rely on them. */
export const ExitCode = {
  ok: 0,
  /** Anything not covered below: an unexpected failure (a bug, a crypto or storage error). */
  failure: 1,
  /** Bad usage or bad input: unknown command or option, malformed mnemonic, path or hex. */
  usage: 2,
  /** Wrong password, unknown user, expired session. */
  auth: 3,
  /** The server could not be reached or the connection broke. */
  network: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Error codes the CLI raises itself (docs/architecture.md, "Errors"). */
export const CliErrorCode = {
  /** A mistake on the command line: unknown command or option, a missing or malformed value. */
  usage: 'CLI_USAGE',
  /** More on stdin than a password or a words file can hold. */
  stdinTooLarge: 'STDIN_TOO_LARGE',
  /** `--local-server`: the server process did not start. */
  localServerFailed: 'LOCAL_SERVER_FAILED',
  /** The local server a qpc was using stopped (and was started again): reported on the status line. */
  localServerStopped: 'LOCAL_SERVER_STOPPED',
  /** A new account came back without its recovery words: a bug. */
  recoveryWordsMissing: 'RECOVERY_WORDS_MISSING',
  /** The first-run screen asked for the profile before it was opened: a bug. */
  profileNotOpen: 'PROFILE_NOT_OPEN',
  /** Unlocking the full-screen client found the session ended: a fresh start logs in again. */
  unlockSessionEnded: 'UNLOCK_SESSION_ENDED',
} as const;

/** Raised by command parsing for a person's mistake on the command line. */
export class UsageError extends ValidationError {
  constructor(message: string, hint?: string) {
    super(CliErrorCode.usage, message, hint === undefined ? undefined : { hint });
  }
}

/** node:util parseArgs throws TypeErrors with these codes for unknown or malformed options. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

export function exitCodeFor(error: unknown): ExitCodeValue {
  if (error instanceof ValidationError || error instanceof CodecError || isParseArgsError(error)) {
    return ExitCode.usage;
  }
  if (error instanceof AuthError) return ExitCode.auth;
  if (error instanceof NetworkError) return ExitCode.network;
  return ExitCode.failure;
}
