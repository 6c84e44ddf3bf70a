/**
 * A profile is one directory: the encrypted store `profile.db` plus the key-source marker
 * (`store.keychain` or `store.salt`). Where it lives: --profile DIR, else QPC_HOME, else
 * $XDG_DATA_HOME/quicprochat (~/.local/share/quicprochat). Which key opens it: QPC_STORE_KEY (64 hex
 * digits, a raw key for bots and tests), else the OS keychain, else a passphrase (QPC_PASSPHRASE).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fromHex, wipe } from '../../lib/bytes.js';
import { StorageError, ValidationError } from '../../lib/errors.js';
import { openProfileStore } from '../store/profileStore.js';
import { resolveStoreKey, type KeychainLike, type PassphrasePurpose } from '../store/storeKey.js';
import type { ClientProfileStore, StoreKeySource } from '../store/types.js';
import { ClientErrorCode } from './clientErrors.js';

export const PROFILE_DB_FILE_NAME = 'profile.db';

export type ProfileEnv = Readonly<Record<string, string | undefined>>;

export function resolveProfileDir(flag: string | undefined, env: ProfileEnv = process.env): string {
  if (flag !== undefined && flag !== '') return flag;
  if (env.QPC_HOME !== undefined && env.QPC_HOME !== '') return env.QPC_HOME;
  const dataHome =
    env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== ''
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(dataHome, 'quicprochat');
}

export interface OpenProfileOptions {
  dir: string;
  /** True for `account register`: a missing profile is created. Otherwise it must exist. */
  create: boolean;
  env?: ProfileEnv;
  /** Default: the OS keychain; null: never (tests). */
  keychain?: KeychainLike | null;
  /** Asks a person for the passphrase when QPC_PASSPHRASE is not set (a terminal); absent: never ask. */
  askPassphrase?: (purpose: PassphrasePurpose) => Promise<string>;
}

/** Describes the key source for `qpc whoami`. */
export function describeKeySource(source: StoreKeySource): string {
  switch (source) {
    case 'raw':
      return 'raw key from QPC_STORE_KEY';
    case 'keychain':
      return 'OS keychain';
    case 'passphrase':
      return 'passphrase (QPC_PASSPHRASE)';
  }
}

function rawKeyFromEnv(env: ProfileEnv): Uint8Array | undefined {
  const text = env.QPC_STORE_KEY;
  if (text === undefined || text === '') return undefined;
  if (!/^[0-9a-fA-F]{64}$/u.test(text)) {
    throw new ValidationError(
      ClientErrorCode.badStoreKey,
      'QPC_STORE_KEY must be 64 hex digits (a raw 32-byte key)',
      {
        hint: 'Fix QPC_STORE_KEY, or unset it to use the OS keychain or a passphrase (asked in a terminal, or QPC_PASSPHRASE).',
      },
    );
  }
  return fromHex(text.toLowerCase());
}

export async function openProfile(options: OpenProfileOptions): Promise<ClientProfileStore> {
  const env = options.env ?? process.env;
  const file = join(options.dir, PROFILE_DB_FILE_NAME);
  if (!options.create && !existsSync(file)) {
    throw new StorageError(ClientErrorCode.profileMissing, `no profile in ${options.dir}`, {
      hint: 'create one with `qpc account register USER --password-stdin`, or pass --profile DIR / QPC_HOME',
    });
  }
  const raw = rawKeyFromEnv(env);
  if (raw !== undefined) {
    try {
      return openProfileStore({ file, key: raw, keySource: 'raw' });
    } finally {
      wipe(raw);
    }
  }
  const passphrase = env.QPC_PASSPHRASE;
  const resolved = await resolveStoreKey({
    profileDir: options.dir,
    ...(passphrase !== undefined && passphrase !== ''
      ? { passphrase: () => passphrase }
      : options.askPassphrase === undefined
        ? {}
        : { passphrase: options.askPassphrase }),
    ...(options.keychain === undefined ? {} : { keychain: options.keychain }),
  });
  try {
    return openProfileStore({ file, key: resolved.key, keySource: resolved.source });
  } finally {
    wipe(resolved.key);
  }
}
