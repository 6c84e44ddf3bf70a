/**
 * What every networked `qpc` command shares: --profile / QPC_HOME, --server (saved in the profile after
 * the first successful use), opening the encrypted profile (asking for its passphrase in a terminal),
 * one engine for the command, and closing it all on every exit path. A changed server certificate is an
 * authentication failure (exit 3).
 */
import { AuthError } from '../../lib/errors.js';
import { createLogger, stderrDestination } from '../../lib/logger.js';
import { openProfile, resolveProfileDir } from '../../engine/client/profile.js';
import { PinMismatchError } from '../../engine/net/quicTransport.js';
import { parseServerAddress } from '../../engine/net/serverAddress.js';
import { QpcEngine } from '../../engine/qpcEngine.js';
import { bearerFromEnv } from './bearerFromEnv.js';
import type { ClientProfileStore } from '../../engine/store/types.js';
import { UsageError } from '../exitCodes.js';
import { readStdin, type CliIo } from '../io.js';
import { askNewSecret, askSecret, canPrompt, type TerminalInput } from '../secretPrompt.js';
import { newSecretProblem } from '../../engine/store/secretRules.js';
import type { PassphrasePurpose } from '../../engine/store/storeKey.js';

export interface ClientFlags {
  profile?: string | undefined;
  server?: string | undefined;
  'no-sealed-sender'?: boolean | undefined;
  'sealed-sender'?: boolean | undefined;
}

export interface EngineRun {
  engine: QpcEngine;
  store: ClientProfileStore;
}

export interface EngineRunOptions {
  /** Create the profile when it is missing (account register). */
  create?: boolean;
  /** Where a passphrase is asked when the profile needs one and QPC_PASSPHRASE is not set. */
  io?: CliIo;
  /** Reconnect after a lost connection (long-running commands); one-shot commands fail fast instead. */
  reconnect?: boolean;
}

/** Opens the profile: QPC_STORE_KEY, the keychain, QPC_PASSPHRASE, else (in a terminal) a prompt. */
export function openCliProfile(flags: ClientFlags, options: EngineRunOptions): Promise<ClientProfileStore> {
  const dir = resolveProfileDir(flags.profile);
  const io = options.io;
  return openProfile({
    dir,
    create: options.create === true,
    ...(io === undefined || !canPrompt(io.stdin) ? {} : { askPassphrase: passphrasePrompt(io, dir) }),
  });
}

function passphrasePrompt(io: CliIo, dir: string): (purpose: PassphrasePurpose) => Promise<string> {
  const stdin = io.stdin as TerminalInput;
  return (purpose) => {
    if (purpose === 'unlock') return askSecret(stdin, io.stderr, `Passphrase of the profile ${dir}: `);
    io.stderr.write(`No OS keychain answers: the profile ${dir} will be encrypted with a passphrase.\n`);
    return askNewSecret(stdin, io.stderr, 'passphrase', (secret, again) =>
      newSecretProblem('passphrase', secret, again),
    );
  };
}

export async function withEngine<T>(
  flags: ClientFlags,
  options: EngineRunOptions,
  work: (run: EngineRun) => Promise<T>,
): Promise<T> {
  const server = flags.server === undefined ? undefined : parseServerAddress(flags.server);
  const store = await openCliProfile(flags, options);
  const engine = new QpcEngine({
    store,
    ...(server === undefined ? {} : { server }),
    ...(flags['no-sealed-sender'] === true ? { sealedSender: false } : {}),
    ...(flags['sealed-sender'] === true ? { sealedSender: true } : {}),
    // One-shot commands fail by their request timeout; a long idle timeout keeps their connection alive
    // through the seconds of CPU that argon2id (OPAQUE) and KeyPackage generation take on a loaded machine,
    // which a 4 s idle timeout could cut. `receive --follow` asks for reconnects.
    connection: {
      reconnect: options.reconnect === true,
      maxIdleTimeoutMs: 30_000,
      keepAliveIntervalMs: 5_000,
      ...bearerFromEnv(),
    },
    // Background failures (task and code only) on stderr; stdout stays for results.
    logger: createLogger('qpc', process.env.QPC_LOG_LEVEL ?? 'warn', stderrDestination()),
  });
  try {
    return await work({ engine, store });
  } catch (error) {
    if (error instanceof PinMismatchError) {
      throw new AuthError(error.code, error.message, error.hint === undefined ? {} : { hint: error.hint });
    }
    throw error;
  } finally {
    // The command's own result or error is what the user needs; a failing close must not replace it.
    await engine.close().catch(() => undefined);
    store.close();
  }
}

/**
 * The account password: from stdin with --password-stdin (scripts), else asked on the terminal without
 * echo (twice for a new account). Through a pipe without --password-stdin it is a usage error.
 */
export async function readPassword(
  io: CliIo,
  passwordStdin: boolean | undefined,
  kind: 'new' | 'existing' = 'existing',
): Promise<string> {
  if (passwordStdin !== true) {
    const stdin = io.stdin as TerminalInput;
    if (canPrompt(stdin)) {
      if (kind === 'new') {
        return askNewSecret(stdin, io.stderr, 'password', (secret, again) =>
          newSecretProblem('password', secret, again),
        );
      }
      const typed = await askSecret(stdin, io.stderr, 'Password: ');
      if (typed === '') throw new UsageError('the password is empty');
      return typed;
    }
    throw new UsageError(
      'the password comes from stdin: add --password-stdin (or run in a terminal to be asked)',
      'echo "$PW" | qpc ... --password-stdin',
    );
  }
  const text = (await readStdin(io, 'Password')).replace(/\r?\n$/u, '');
  if (text === '') throw new UsageError('the password on stdin is empty');
  return text;
}
