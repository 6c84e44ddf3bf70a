/**
 * The first run's "log in with my recovery words and a backup file": the backup is opened with the words
 * before anything changes (a wrong file, wrong words, a cut or changed file: its typed BACKUP_* error, and
 * the person fixes the path or the words), then, after the restore's login, imported like
 * `/backup import`. The import runs last because it needs the account's identity in the profile.
 */
import { readFileSync } from 'node:fs';
import { ValidationError, isQpcError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { BackupErrorCode } from '../../engine/backup/backupErrors.js';
import { readBackup } from '../../engine/backup/profileBackup.js';
import { UNEXPECTED_BACKGROUND_ERROR } from '../../engine/client/backgroundWork.js';
import type { EngineEvent, QpcEngine } from '../../engine/qpcEngine.js';
import { expandBackupPath, importBackupForTui } from './tuiBackup.js';

/** Throws the backup's typed error when `words` do not open `file`; writes nothing. */
export function checkBackupOpens(file: string, words: string): void {
  const path = expandBackupPath(file);
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new ValidationError(BackupErrorCode.unreadable, `cannot read ${file}`, {
      hint: 'check the path of the backup file (~/ is your home directory)',
      cause: error,
    });
  }
  readBackup(bytes, words);
}

/**
 * Imports the checked backup into the restored profile. The account is restored and logged in by now,
 * so a failure here cannot send the person back to the first run: it becomes a `backgroundFailed` notice
 * for the main screen (its status line says what failed and that `/backup import FILE` retries).
 */
export async function importAfterRestore(
  engine: QpcEngine,
  file: string,
  words: string,
  logger: Logger | undefined,
  pendingEvents: EngineEvent[],
): Promise<void> {
  try {
    await importBackupForTui(engine, file, words, logger);
  } catch (error) {
    const code = isQpcError(error) ? error.code : UNEXPECTED_BACKGROUND_ERROR;
    logger?.warn({ event: 'backgroundFailed', task: 'restoreBackupImport', code }, 'backup import failed');
    pendingEvents.push({
      type: 'backgroundFailed',
      task: 'restoreBackupImport',
      code,
      message: isQpcError(error) ? error.message : 'the backup could not be imported',
      hint: `the account is restored; import the backup again with /backup import ${file}`,
    });
  }
}
