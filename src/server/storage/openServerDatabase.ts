import Database from 'better-sqlite3-multiple-ciphers';
import { toHex } from '../../lib/bytes.js';
import { StorageError } from '../../lib/errors.js';
import { migrateServerDatabase, SERVER_MIGRATIONS } from './migrations.js';
import { preparePrivateDatabaseFile } from './privateDatabaseFile.js';
import { StorageErrorCode, WrongDatabaseKeyError } from './storageErrors.js';

export type ServerDatabase = Database.Database;

export const SERVER_DATABASE_FILE = 'qpc-server.db';

/**
 * Open (creating if needed). `':memory:'` gives an unencrypted in-memory database for unit tests.
 * Otherwise: open the SQLCipher database with a raw 32-byte key, check the key, and migrate.
 * WAL with synchronous=FULL: a committed transaction is on disk before commit returns, so a message
 * acknowledged to its sender survives SIGKILL or power loss.
 */
export function openServerDatabase(path: string, key: Uint8Array): ServerDatabase {
  if (key.length !== 32) {
    throw new StorageError(StorageErrorCode.KeyMissing, 'the database key must be 32 bytes');
  }
  if (path !== ':memory:') preparePrivateDatabaseFile(path);
  let db: ServerDatabase;
  try {
    db = new Database(path);
  } catch (error) {
    throw new StorageError(StorageErrorCode.OpenFailed, `${path}: cannot open the database`, {
      cause: error,
    });
  }
  try {
    // SQLCipher refuses a key on an in-memory database, which unit tests use; a file always gets one.
    if (path !== ':memory:') {
      db.pragma(`cipher='sqlcipher'`);
      // A raw key skips the passphrase KDF (under 1 ms instead of about 330 ms per open).
      db.pragma(`key="x'${toHex(key)}'"`);
    }
    // A wrong key only shows at the first read (SQLITE_NOTADB), so read now.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_NOTADB')
      throw new WrongDatabaseKeyError(path, { cause: error });
    throw new StorageError(StorageErrorCode.OpenFailed, `${path}: cannot open the database`, {
      cause: error,
    });
  }
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SERVER_MIGRATIONS.length) {
      throw new StorageError(
        StorageErrorCode.NewerSchema,
        `${path}: schema version ${version} is newer than this qpc-server (${SERVER_MIGRATIONS.length})`,
        { hint: 'Run the newer qpc-server that wrote this database.' },
      );
    }
    migrateServerDatabase(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
