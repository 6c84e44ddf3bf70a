import { existsSync } from 'node:fs';
import { WrongDatabaseKeyError } from '../storage/storageErrors.js';
import { openExistingDatabase } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';

/**
 * Refuse when another process has the database open, whatever its pid namespace or container: in WAL
 * mode every open connection holds a shared lock that makes leaving WAL fail at once with SQLITE_BUSY.
 * This catches a server the run-state file cannot show (one in another container on the same volume).
 * A database this key cannot open is not probed: restoring over a damaged file, or one whose key was
 * lost, must stay possible, and the run-state check has already run.
 */
export function refuseIfDatabaseInUse(path: string, key: Uint8Array, what: string): void {
  if (!existsSync(path)) return;
  let db;
  try {
    db = openExistingDatabase(path, key);
  } catch (error) {
    if (error instanceof WrongDatabaseKeyError || error instanceof OpsError) return;
    throw error;
  }
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('journal_mode = DELETE');
    db.pragma('journal_mode = WAL');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new OpsError(
      OpsErrorCode.ServerRunning,
      `${what} needs a stopped server, but ${path} is open in another process`,
      {
        hint: 'Stop qpc-server (in every container that mounts this data directory), then run this again.',
      },
    );
  } finally {
    db.close();
  }
}
