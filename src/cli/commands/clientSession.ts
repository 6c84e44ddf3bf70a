/**
 * What every networked `qpc` command shares: --profile / QPC_HOME, --server (saved in the profile after
 * the first successful use), opening the encrypted profile, one engine for the command, and closing it
 * all on every exit path. A changed server certificate is an authentication failure (exit 3).
 */
import { AuthError } from '../../lib/errors.js';
import { openProfile, resolveProfileDir } from '../../engine/client/profile.js';
import { PinMismatchError } from '../../engine/net/quicTransport.js';
import { parseServerAddress } from '../../engine/net/serverAddress.js';
import { QpcEngine } from '../../engine/qpcEngine.js';
import { bearerFromEnv } from './bearerFromEnv.js';
import type { ClientProfileStore } from '../../engine/store/types.js';
import { UsageError } from '../exitCodes.js';
import { readStdin, type CliIo } from '../io.js';

/** parseArgs options every client command accepts. */
export const clientOptions = {
  profile: { type: 'string' },
  server: { type: 'string' },
  'no-sealed-sender': { type: 'boolean' },
  'sealed-sender': { type: 'boolean' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const clientOptionsHelp = `  --profile DIR     profile directory (default: QPC_HOME, else $XDG_DATA_HOME/quicprochat)
  --server H:P      server address; remembered in the profile after the first use
  --no-sealed-sender  send every message with the sender known to the server (saved in the profile;
                    --sealed-sender turns sealed sending back on, the default)
  -h, --help        show this help

Store key: QPC_STORE_KEY (64 hex digits, raw key) if set, else the OS keychain, else QPC_PASSPHRASE.
Exit codes: 0 ok, 2 usage or bad input, 3 authentication (also: changed server certificate), 4 network.`;

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

export async function withEngine<T>(
  flags: ClientFlags,
  options: { create?: boolean },
  work: (run: EngineRun) => Promise<T>,
): Promise<T> {
  const dir = resolveProfileDir(flags.profile);
  const server = flags.server === undefined ? undefined : parseServerAddress(flags.server);
  const store = await openProfile({ dir, create: options.create === true });
  const engine = new QpcEngine({
    store,
    ...(server === undefined ? {} : { server }),
    ...(flags['no-sealed-sender'] === true ? { sealedSender: false } : {}),
    ...(flags['sealed-sender'] === true ? { sealedSender: true } : {}),
    connection: { reconnect: false, ...bearerFromEnv() },
  });
  try {
    return await work({ engine, store });
  } catch (error) {
    if (error instanceof PinMismatchError) {
      throw new AuthError(error.code, error.message, error.hint === undefined ? {} : { hint: error.hint });
    }
    throw error;
  } finally {
    await engine.close().catch(() => undefined);
    store.close();
  }
}

/** The password from stdin (one line; the trailing newline is not part of it). */
export async function readPassword(io: CliIo, passwordStdin: boolean | undefined): Promise<string> {
  if (passwordStdin !== true) {
    throw new UsageError(
      'the password comes from stdin: add --password-stdin',
      'echo "$PW" | qpc ... --password-stdin',
    );
  }
  const text = (await readStdin(io, 'Password')).replace(/\r?\n$/u, '');
  if (text === '') throw new UsageError('the password on stdin is empty');
  return text;
}

export function requirePositionals(positionals: string[], count: number, usage: string): string[] {
  if (positionals.length !== count) throw new UsageError(`expected: ${usage}`);
  return positionals;
}
