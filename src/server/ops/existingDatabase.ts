import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '../../lib/bytes.js';
import { DEV_DB_KEY_FILE } from '../storage/databaseKey.js';
import { SERVER_DATABASE_FILE, type ServerDatabase } from '../storage/openServerDatabase.js';
import { SERVER_MIGRATIONS } from '../storage/migrations.js';
import { StorageErrorCode, WrongDatabaseKeyError } from '../storage/storageErrors.js';
import { StorageError } from '../../lib/errors.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';

export function databasePath(dataDir: string): string {
  return join(dataDir, SERVER_DATABASE_FILE);
}

/**
 * The key of an existing database: QPC_DB_KEY, or in development `<data dir>/db.key`. Unlike the
 * server's startup, never generates one: a new key would not open the file. Wipe it after use.
 */
export function existingDatabaseKey(input: { dbKeyHex: string | undefined; dataDir: string }): Uint8Array {
  if (input.dbKeyHex !== undefined) return fromHex(input.dbKeyHex);
  const path = join(input.dataDir, DEV_DB_KEY_FILE);
  if (!existsSync(path)) {
    throw new StorageError(StorageErrorCode.KeyMissing, 'QPC_DB_KEY: no database key is configured', {
      hint: `Set QPC_DB_KEY (as for the server), or keep the development key in ${path}.`,
    });
  }
  const key = fromHex(readFileSync(path, 'utf8').trim());
  if (key.length !== 32) {
    throw new StorageError(StorageErrorCode.KeyMissing, `${path}: expected 64 hexadecimal digits`);
  }
  return key;
}

/** Throw OPS_DATABASE_MISSING unless the data directory holds a server database. */
export function requireDatabase(dataDir: string): void {
  const path = databasePath(dataDir);
  if (!existsSync(path)) {
    throw new OpsError(OpsErrorCode.DatabaseMissing, `${path}: no database here`, {
      hint: 'Check --data (or QPC_DATA_DIR): it must be the data directory of the server.',
    });
  }
}

/**
 * Open a database file that must already exist, with its key, without migrating or changing its
 * journal mode: for backups (beside a running server), checks of a backup, and status.
 */
export function openExistingDatabase(path: string, key: Uint8Array): ServerDatabase {
  if (!existsSync(path)) {
    throw new OpsError(OpsErrorCode.DatabaseMissing, `${path}: no database here`, {
      hint: 'Check --data (or QPC_DATA_DIR): it must be the data directory of the server.',
    });
  }
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key="x'${toHex(key)}'"`);
    db.pragma('busy_timeout = 5000');
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new WrongDatabaseKeyError(path, { cause: error });
    }
    throw new OpsError(OpsErrorCode.BackupUnreadable, `${path}: cannot read the database`, { cause: error });
  }
  return db;
}

export interface DatabaseCheck {
  schemaVersion: number;
  users: number;
  queuedMessages: number;
}

/**
 * `PRAGMA integrity_check`, a schema this server knows, and the server state a server needs to start
 * (the OPAQUE setup and the signing key seed). Throws OPS_INTEGRITY_CHECK_FAILED otherwise.
 */
export function checkDatabase(db: ServerDatabase, label: string): DatabaseCheck {
  try {
    return checkOrThrow(db, label);
  } catch (error) {
    if (error instanceof OpsError) throw error;
    // SQLite reports a damaged file (SQLITE_CORRUPT, a failed page HMAC) as an error, not as a row.
    throw new OpsError(
      OpsErrorCode.IntegrityFailed,
      `${label}: integrity check failed (${(error as { code?: string }).code ?? 'error'})`,
      {
        hint: 'Use another backup; this one is damaged.',
        cause: error,
      },
    );
  }
}

function checkOrThrow(db: ServerDatabase, label: string): DatabaseCheck {
  const problems = db.pragma('integrity_check') as { integrity_check: string }[];
  if (problems.length !== 1 || problems[0]?.integrity_check !== 'ok') {
    throw new OpsError(OpsErrorCode.IntegrityFailed, `${label}: integrity check failed`, {
      hint: 'Use another backup; this one is damaged.',
    });
  }
  const schemaVersion = db.pragma('user_version', { simple: true }) as number;
  if (schemaVersion < 1 || schemaVersion > SERVER_MIGRATIONS.length) {
    throw new OpsError(
      OpsErrorCode.IntegrityFailed,
      `${label}: schema version ${schemaVersion} is not one this qpc-server knows (1-${SERVER_MIGRATIONS.length})`,
      { hint: 'Restore with the qpc-server version that took the backup, or a newer one.' },
    );
  }
  const state = db
    .prepare<[], { n: number }>(
      "SELECT count(*) AS n FROM server_state WHERE name IN ('opaque_setup', 'signing_key_seed')",
    )
    .get();
  if (state?.n !== 2) {
    throw new OpsError(
      OpsErrorCode.IntegrityFailed,
      `${label}: the server state (OPAQUE setup, signing key) is missing`,
    );
  }
  const count = (table: string): number =>
    db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
  return { schemaVersion, users: count('users'), queuedMessages: count('queue') };
}
