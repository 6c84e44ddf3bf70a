import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import { openServerDatabase } from '../storage/openServerDatabase.js';
import { WrongDatabaseKeyError } from '../storage/storageErrors.js';
import { refuseIfDatabaseInUse } from './databaseInUse.js';
import { checkDatabase, databasePath, openExistingDatabase, type DatabaseCheck } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { refuseIfRunning } from './runState.js';

/** Folder of the data directory that keeps what a restore or a rotation replaced. */
export const BACKUPS_DIR = 'backups';

export interface RestoreResult extends DatabaseCheck {
  /** Where the database that was replaced now is (with its -wal/-shm), or undefined if there was none. */
  previous: string | undefined;
  durationMs: number;
}

/** `2026-12-02T01-02-03Z`: sortable, and a valid file name everywhere. */
export function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

/**
 * Replace the database of a stopped server with a backup. The backup is checked first (it opens with
 * the key, integrity, schema, server state), the current database (with its WAL) is moved into
 * `<data>/backups/`, never deleted, and the restored file is opened once the way the server does
 * (migrations, WAL) before this returns.
 */
export function restoreDatabase(input: {
  dataDir: string;
  key: Uint8Array;
  from: string;
  clock: Clock;
}): RestoreResult {
  const started = input.clock.now();
  const from = resolve(input.from);
  refuseIfRunning(input.dataDir, 'restore');
  if (!existsSync(from)) {
    throw new OpsError(OpsErrorCode.BackupUnreadable, `${from}: no such file`);
  }
  let backup;
  try {
    backup = openExistingDatabase(from, input.key);
  } catch (error) {
    if (error instanceof WrongDatabaseKeyError) {
      throw new OpsError(OpsErrorCode.BackupWrongKey, `${from}: the database key does not open this backup`, {
        hint: 'A backup opens with the key that was current when it was taken: set QPC_DB_KEY to that key.',
        cause: error,
      });
    }
    throw error;
  }
  try {
    checkDatabase(backup, from);
  } finally {
    backup.close();
  }

  const target = databasePath(input.dataDir);
  refuseIfDatabaseInUse(target, input.key, 'restore');
  let previous: string | undefined;
  if (existsSync(target)) {
    const folder = join(input.dataDir, BACKUPS_DIR);
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    previous = join(folder, `${basename(target)}.pre-restore-${fileStamp(input.clock.now())}`);
    // The WAL holds committed transactions after a crash: it moves with its database, or both are wrong.
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(target + suffix)) {
        renameSync(target + suffix, previous + suffix);
        chmodSync(previous + suffix, 0o600);
      }
    }
  }
  const incoming = `${target}.restoring`;
  rmSync(incoming, { force: true });
  // Created 0600 before the bytes arrive (copyFile keeps an existing target's mode), then made exact.
  writeFileSync(incoming, '', { mode: 0o600, flag: 'wx' });
  copyFileSync(from, incoming);
  chmodSync(incoming, 0o600);
  renameSync(incoming, target);
  const restored = openServerDatabase(target, input.key);
  let check: DatabaseCheck;
  try {
    check = checkDatabase(restored, target);
  } finally {
    restored.close();
  }
  return { previous, durationMs: input.clock.now() - started, ...check };
}
