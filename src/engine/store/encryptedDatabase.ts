/**
 * Opening, keying and rekeying one SQLCipher file (docs/storage.md). The key is a raw 32-byte key,
 * handed to SQLCipher as `x'<hex>'` so no KDF runs at open (a passphrase key costs ~330 ms per open;
 * ours is stretched once, in storeKey.ts). The file and its -wal/-shm companions are 0600.
 */
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { StorageError, ValidationError } from '../../lib/errors.js';
import { toHex } from '../../lib/bytes.js';
import { toStorageError, StoreErrorCode } from './storageErrors.js';

export type Database = Sqlite.Database;

export const STORE_KEY_BYTES = 32;
const FILE_MODE = 0o600;
const DIR_MODE = 0o700;
const COMPANIONS = ['-wal', '-shm', '-journal'] as const;

function checkKey(key: Uint8Array, what: string): void {
  if (key.length !== STORE_KEY_BYTES) {
    throw new ValidationError(
      StoreErrorCode.badKeyLength,
      `${what} must be ${STORE_KEY_BYTES} bytes, got ${key.length}`,
    );
  }
}

/** SQLCipher's raw-key literal. The hex string is a JS string we cannot wipe; it lives only for this call. */
function rawKeyLiteral(key: Uint8Array): string {
  return `"x'${toHex(key)}'"`;
}

/**
 * Creates the parent directory (0700) and an empty database file (0600) before SQLite sees it, so the file
 * never exists with a umask-dependent mode. An existing file keeps its content; its mode is tightened.
 * SQLite gives -wal and -shm the main file's mode itself (it fchmods them to match), which the tests check.
 */
export function prepareDatabaseFile(file: string): void {
  const dir = dirname(file);
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true, mode: DIR_MODE });
    chmodSync(dir, DIR_MODE);
  }
  if (!existsSync(file)) {
    const fd = openSync(file, 'wx', FILE_MODE);
    try {
      fchmodSync(fd, FILE_MODE);
    } finally {
      closeSync(fd);
    }
  }
  for (const path of [file, ...COMPANIONS.map((suffix) => file + suffix)]) {
    if (existsSync(path) && (statSync(path).mode & 0o777) !== FILE_MODE) chmodSync(path, FILE_MODE);
  }
}

/**
 * Opens the file with SQLCipher and the given key, proves the key with a query (a wrong key only shows at
 * the first read: SQLITE_NOTADB, mapped to StoreWrongKeyError), then switches to WAL.
 */
export function openEncryptedDatabase(file: string, key: Uint8Array): Database {
  checkKey(key, 'the store key');
  prepareDatabaseFile(file);
  let db: Database;
  try {
    db = new Sqlite(file);
  } catch (error) {
    throw toStorageError(error, file);
  }
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key=${rawKeyLiteral(key)}`);
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL keeps every commit atomic and consistent; only the last commits may roll back on power loss.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    // Deleted rows (retired private keys among them) are overwritten, not left in free pages.
    db.pragma('secure_delete = ON');
    return db;
  } catch (error) {
    db.close();
    throw toStorageError(error, file);
  }
}

/**
 * Re-encrypts the whole file under newKey. SQLCipher refuses rekey in WAL mode, so leave WAL (which also
 * checkpoints the WAL into the main file), rekey, then go back to WAL.
 */
export function rekeyDatabase(db: Database, newKey: Uint8Array): void {
  checkKey(newKey, 'the new store key');
  try {
    const mode = db.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') {
      throw new StorageError(
        StoreErrorCode.rekeyBusy,
        'the profile database could not leave WAL mode for rekeying',
        {
          hint: 'Close other programs using this profile, then retry.',
        },
      );
    }
    db.pragma(`rekey=${rawKeyLiteral(newKey)}`);
    db.pragma('journal_mode = WAL');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    throw toStorageError(error, db.name);
  }
}
