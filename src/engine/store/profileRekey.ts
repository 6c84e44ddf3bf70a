/**
 * `qpc profile rekey`: the profile database re-encrypted under a new key, from a new passphrase, a new
 * keychain entry or a new raw key. The open store is rekeyed in place (rekeyDatabase leaves WAL first, so
 * the whole file is under the new key, then returns to WAL); the files that say where the key comes from
 * (store.salt, store.keychain) are replaced only after the rekey succeeded, each by a rename. After it,
 * the old key opens nothing: SQLCipher rewrote every page.
 */
import { StoreErrorCode } from './storageErrors.js';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError } from '../../lib/errors.js';
import { wipe } from '../../lib/bytes.js';
import { rekeyProfileStore } from './profileStore.js';
import { createPassphraseKey, DEFAULT_SCRYPT, SALT_FILE_NAME, type ScryptParams } from './passphraseKey.js';
import { createInKeychain, KEYCHAIN_MARKER_FILE_NAME, type KeychainLike } from './storeKey.js';
import { createOsKeychain } from './osKeychain.js';
import type { ProfileStore, StoreKeySource } from './types.js';

export type NewStoreKey =
  | { kind: 'passphrase'; passphrase: string }
  | { kind: 'keychain' }
  /** A raw 32-byte key (QPC_STORE_KEY): the caller keeps it; wiped here after use. */
  | { kind: 'raw'; key: Uint8Array };

export interface RekeyProfileOptions {
  profileDir: string;
  store: ProfileStore;
  next: NewStoreKey;
  /** Default: the OS keychain. */
  keychain?: KeychainLike | null;
  /** scrypt cost of a new passphrase (tests lower it). */
  scrypt?: ScryptParams;
}

interface KeychainMarkerFile {
  service: string;
  account: string;
}

function readMarker(path: string): KeychainMarkerFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<KeychainMarkerFile>;
    return typeof parsed.service === 'string' && typeof parsed.account === 'string'
      ? { service: parsed.service, account: parsed.account }
      : undefined;
  } catch {
    // No marker, or one that names nothing: there is no old keychain entry to delete.
    return undefined;
  }
}

/** Rekeys the open store; returns the new key source. The store stays open and usable. */
export async function rekeyProfile(options: RekeyProfileOptions): Promise<StoreKeySource> {
  const saltPath = join(options.profileDir, SALT_FILE_NAME);
  const markerPath = join(options.profileDir, KEYCHAIN_MARKER_FILE_NAME);
  const oldMarker = existsSync(markerPath) ? readMarker(markerPath) : undefined;
  const keychain = options.keychain === undefined ? createOsKeychain() : options.keychain;
  const next = options.next;
  let key: Uint8Array;
  let newFile: { temporary: string; final: string } | undefined;
  if (next.kind === 'passphrase') {
    const temporary = `${saltPath}.new`;
    rmSync(temporary, { force: true });
    key = await createPassphraseKey(temporary, next.passphrase, options.scrypt ?? DEFAULT_SCRYPT);
    newFile = { temporary, final: saltPath };
  } else if (next.kind === 'keychain') {
    const temporary = `${markerPath}.new`;
    rmSync(temporary, { force: true });
    const created = keychain === null ? undefined : await createInKeychain(temporary, keychain);
    if (created === undefined) {
      throw new StorageError(
        StoreErrorCode.keychainUnavailable,
        'no OS keychain answers: the key was not changed',
        {
          hint: 'start a keychain (on Linux: gnome-keyring in a D-Bus session), or rekey to a passphrase',
        },
      );
    }
    key = created.key;
    newFile = { temporary, final: markerPath };
  } else {
    key = next.key;
  }
  try {
    rekeyProfileStore(options.store, key);
  } catch (error) {
    if (newFile !== undefined) rmSync(newFile.temporary, { force: true });
    throw error;
  } finally {
    wipe(key);
  }
  // The database is under the new key from here: point the key files at it.
  if (newFile !== undefined) renameSync(newFile.temporary, newFile.final);
  if (next.kind !== 'passphrase') rmSync(saltPath, { force: true });
  if (next.kind !== 'keychain') rmSync(markerPath, { force: true });
  if (oldMarker !== undefined && keychain !== null) {
    // The old entry opens nothing any more; a keychain that fails to delete it leaves a dead key behind.
    await keychain.deleteSecret(oldMarker.service, oldMarker.account).catch(() => false);
  }
  return next.kind === 'raw' ? 'raw' : next.kind;
}
