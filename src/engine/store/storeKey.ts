/**
 * Where the profile database key comes from. A new profile prefers the OS keychain: a random 32-byte key
 * under service "quicprochat", account = a random profile id kept in `<profileDir>/store.keychain`. Where no
 * keychain answers, a passphrase is stretched with scrypt (passphraseKey.ts). Once chosen, a profile keeps
 * its source: the marker file present (store.keychain or store.salt) decides, so a keychain that is down
 * today gives a clear error instead of a silently different key.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../../lib/errors.js';
import { constantTimeEqual, wipe } from '../../lib/bytes.js';
import type { StoreKeySource } from './types.js';
import { STORE_KEY_BYTES } from './encryptedDatabase.js';
import { createOsKeychain, type KeychainLike } from './osKeychain.js';
import { SALT_FILE_NAME, createPassphraseKey, unlockPassphraseKey } from './passphraseKey.js';
import { StoreErrorCode } from './storageErrors.js';

export type { KeychainLike } from './osKeychain.js';

export const KEYCHAIN_SERVICE = 'quicprochat';
export const KEYCHAIN_MARKER_FILE_NAME = 'store.keychain';

export type PassphrasePurpose = 'unlock' | 'create';

/** Every store-key error ends with the ways to give a key without a keychain or a terminal. */
export const STORE_KEY_ENV_HINT =
  'Without a keychain or a terminal, set QPC_PASSPHRASE (the passphrase) or QPC_STORE_KEY (64 hex digits, a raw key).';

export interface ResolveStoreKeyOptions {
  profileDir: string;
  /** Asked only when the passphrase path is taken: to unlock a profile, or to create one. */
  passphrase?: (purpose: PassphrasePurpose) => Promise<string> | string;
  /** Default: the OS keychain (@napi-rs/keyring). null: never use a keychain. */
  keychain?: KeychainLike | null;
}

export interface ResolvedStoreKey {
  /** Raw 32-byte key for openProfileStore; the caller wipes it once the store is open. */
  key: Uint8Array;
  source: StoreKeySource;
}

interface KeychainMarker {
  version: 1;
  service: string;
  account: string;
}

function writePrivateFile(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

function readMarker(path: string): KeychainMarker {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeychainMarker>;
    if (parsed.version === 1 && typeof parsed.service === 'string' && typeof parsed.account === 'string') {
      return parsed as KeychainMarker;
    }
  } catch {
    // Fall through to the error below.
  }
  throw new StorageError(StoreErrorCode.badKeychainMarker, `${path} does not name a keychain entry`, {
    hint: 'Restore this file from a backup, or restore the identity from its recovery words into a new profile.',
  });
}

function keychainUnavailable(cause: unknown): StorageError {
  return new StorageError(
    StoreErrorCode.keychainUnavailable,
    'this profile keeps its key in the OS keychain, which does not answer',
    {
      hint: 'Unlock the keychain (on Linux: a D-Bus session with a running Secret Service such as gnome-keyring), then retry. A profile created with the keychain cannot be opened by QPC_PASSPHRASE or QPC_STORE_KEY.',
      cause,
    },
  );
}

function checkedKey(secret: Uint8Array | null, marker: KeychainMarker): Uint8Array {
  if (secret === null) {
    throw new StorageError(
      StoreErrorCode.keychainKeyMissing,
      `the keychain has no entry ${marker.service}/${marker.account}`,
      {
        hint: 'The profile cannot be opened without it (QPC_PASSPHRASE and QPC_STORE_KEY do not replace it). Restore the identity from its recovery words into a new profile.',
      },
    );
  }
  if (secret.length !== STORE_KEY_BYTES) {
    wipe(secret);
    throw new StorageError(
      StoreErrorCode.keychainKeyInvalid,
      `the keychain entry ${marker.service}/${marker.account} is not a store key`,
    );
  }
  return secret;
}

async function unlockFromKeychain(
  markerPath: string,
  keychain: KeychainLike | null,
): Promise<ResolvedStoreKey> {
  const marker = readMarker(markerPath);
  if (keychain === null) throw keychainUnavailable(undefined);
  let secret: Uint8Array | null;
  try {
    secret = await keychain.getSecret(marker.service, marker.account);
  } catch (error) {
    throw keychainUnavailable(error);
  }
  return { key: checkedKey(secret, marker), source: 'keychain' };
}

/** Tries to set up a keychain key for a new profile; undefined when no keychain answers. */
export async function createInKeychain(
  markerPath: string,
  keychain: KeychainLike,
): Promise<ResolvedStoreKey | undefined> {
  const marker: KeychainMarker = {
    version: 1,
    service: KEYCHAIN_SERVICE,
    account: randomBytes(16).toString('hex'),
  };
  const key = new Uint8Array(randomBytes(STORE_KEY_BYTES));
  try {
    if ((await keychain.getSecret(marker.service, marker.account)) !== null) return undefined;
    await keychain.setSecret(marker.service, marker.account, key);
    // Read it back: some stores accept a write they cannot return (or forget it), and a lost key loses the profile.
    const stored = await keychain.getSecret(marker.service, marker.account);
    const same = stored !== null && constantTimeEqual(stored, key);
    wipe(stored ?? undefined);
    if (!same) {
      wipe(key);
      return undefined;
    }
  } catch {
    // No keychain answers (none installed, no D-Bus session, locked): the caller falls back to a
    // passphrase key, as documented for undefined.
    wipe(key);
    return undefined;
  }
  writePrivateFile(markerPath, `${JSON.stringify(marker, null, 2)}\n`);
  return { key, source: 'keychain' };
}

async function askPassphrase(options: ResolveStoreKeyOptions): Promise<string> {
  if (options.passphrase === undefined) {
    throw new StorageError(
      StoreErrorCode.passphraseRequired,
      'this profile is protected by a passphrase and none was given',
      {
        hint: `Run qpc in a terminal so it can ask for the passphrase. ${STORE_KEY_ENV_HINT}`,
      },
    );
  }
  return options.passphrase('unlock');
}

export async function resolveStoreKey(options: ResolveStoreKeyOptions): Promise<ResolvedStoreKey> {
  const { profileDir } = options;
  const saltPath = join(profileDir, SALT_FILE_NAME);
  const markerPath = join(profileDir, KEYCHAIN_MARKER_FILE_NAME);
  const keychain = options.keychain === undefined ? createOsKeychain() : options.keychain;

  if (existsSync(saltPath)) {
    return { key: await unlockPassphraseKey(saltPath, await askPassphrase(options)), source: 'passphrase' };
  }
  if (existsSync(markerPath)) return unlockFromKeychain(markerPath, keychain);

  if (!existsSync(profileDir)) {
    mkdirSync(profileDir, { recursive: true, mode: 0o700 });
    chmodSync(profileDir, 0o700);
  }
  if (keychain !== null) {
    const created = await createInKeychain(markerPath, keychain);
    if (created !== undefined) return created;
  }
  if (options.passphrase === undefined) {
    throw new StorageError(StoreErrorCode.noKeySource, 'no OS keychain answers and no passphrase was given', {
      hint: `Run qpc in a terminal to choose a passphrase, or start a keychain (on Linux: gnome-keyring in a D-Bus session). ${STORE_KEY_ENV_HINT}`,
    });
  }
  return {
    key: await createPassphraseKey(saltPath, await options.passphrase('create')),
    source: 'passphrase',
  };
}
