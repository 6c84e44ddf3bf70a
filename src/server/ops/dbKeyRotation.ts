import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex, wipe } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import { DEV_DB_KEY_FILE } from '../storage/databaseKey.js';
import { WrongDatabaseKeyError } from '../storage/storageErrors.js';
import { backupDatabase } from './databaseBackup.js';
import { refuseIfDatabaseInUse } from './databaseInUse.js';
import { BACKUPS_DIR, fileStamp } from './databaseRestore.js';
import { checkDatabase, databasePath, openExistingDatabase, type DatabaseCheck } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { recordRotation } from './rotationLog.js';
import { refuseIfRunning } from './runState.js';

/** The new key between the rekey and its safe arrival (printed, or in db.key); mode 0600. */
export const PENDING_KEY_FILE = 'db.key.rotating';

export interface DbKeyRotationInput {
  dataDir: string;
  /** The current key; the caller wipes it. */
  oldKey: Uint8Array;
  /** True when the key comes from QPC_DB_KEY (printed once); false: the development key file is rewritten. */
  keyFromEnvironment: boolean;
  dryRun: boolean;
  clock: Clock;
}

export interface DbKeyRotationResult extends DatabaseCheck {
  /** The new key as hex, to print once when it came from QPC_DB_KEY; undefined in a dry run. */
  newKeyHex: string | undefined;
  /** Where the new key was written (the development key file), if it was. */
  keyFile: string | undefined;
  /** The database as it was, still encrypted with the old key, relative to the data directory. */
  backup: string | undefined;
  durationMs: number;
}

/**
 * SQLCipher rekey of a stopped server's database: a checked backup under the old key first, then
 * leave WAL (rekey is refused in WAL mode), rekey, back to WAL, and check that the new key opens the
 * file with every row and the old key no longer does.
 */
export function rotateDbKey(input: DbKeyRotationInput): DbKeyRotationResult {
  const started = input.clock.now();
  refuseIfRunning(input.dataDir, 'rotate db-key');
  const path = databasePath(input.dataDir);
  refuseIfDatabaseInUse(path, input.oldKey, 'rotate db-key');
  const before = checkWith(path, input.oldKey);
  if (input.dryRun) {
    return { ...before, newKeyHex: undefined, keyFile: undefined, backup: undefined, durationMs: 0 };
  }

  mkdirSync(join(input.dataDir, BACKUPS_DIR), { recursive: true, mode: 0o700 });
  const backup = join(BACKUPS_DIR, `db-key-${fileStamp(started)}-${started % 1000}.db`);
  backupDatabase({
    dataDir: input.dataDir,
    key: input.oldKey,
    to: join(input.dataDir, backup),
    clock: input.clock,
  });

  const newKey = new Uint8Array(randomBytes(32));
  const newKeyHex = toHex(newKey);
  // Kept on disk (0600) until the key is safe elsewhere: a crash after the rekey must not lose it.
  const pendingKeyFile = join(input.dataDir, PENDING_KEY_FILE);
  writeFileSync(pendingKeyFile, `${newKeyHex}\n`, { mode: 0o600, flag: 'wx' });
  const db = openExistingDatabase(path, input.oldKey);
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma(`rekey="x'${newKeyHex}'"`);
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  const after = checkWith(path, newKey);
  wipe(newKey);
  if (
    after.users !== before.users ||
    after.queuedMessages !== before.queuedMessages ||
    oldKeyOpens(path, input.oldKey)
  ) {
    throw new OpsError(
      OpsErrorCode.RotationVerifyFailed,
      `${path}: the database after the rekey is not as before`,
      {
        hint: `Restore ${backup} with the old key (qpc-server restore --from) and report this.`,
      },
    );
  }
  let keyFile: string | undefined;
  // From QPC_DB_KEY: the caller prints the key once, and the pending file goes once the rotation is recorded.
  if (!input.keyFromEnvironment) {
    keyFile = join(input.dataDir, DEV_DB_KEY_FILE);
    renameSync(pendingKeyFile, keyFile);
  }
  recordRotation(input.dataDir, { material: 'db-key', at: started, backup });
  rmSync(pendingKeyFile, { force: true });
  return {
    ...after,
    newKeyHex: input.keyFromEnvironment ? newKeyHex : undefined,
    keyFile,
    backup,
    durationMs: input.clock.now() - started,
  };
}

function checkWith(path: string, key: Uint8Array): DatabaseCheck {
  const db = openExistingDatabase(path, key);
  try {
    return checkDatabase(db, path);
  } finally {
    db.close();
  }
}

function oldKeyOpens(path: string, key: Uint8Array): boolean {
  try {
    openExistingDatabase(path, key).close();
    return true;
  } catch (error) {
    if (error instanceof WrongDatabaseKeyError) return false;
    throw error;
  }
}
