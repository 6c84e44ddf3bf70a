/**
 * The full-screen client's backup calls over the engine, with what the CLI's `qpc backup` adds around
 * them: the person's settings file goes into an export and comes back from an import, and a path typed
 * in the TUI may start with `~/`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { QpcEngine } from '../../engine/qpcEngine.js';
import type { BackupSummary, ImportBackupResult } from '../../engine/backup/profileBackup.js';
import { UserSettingsFile } from '../../engine/settings/userSettings.js';
import type { Logger } from '../../lib/logger.js';

/** `~/x` is the home directory's x; anything else is taken from the working directory. */
export function expandBackupPath(file: string): string {
  if (file === '~') return homedir();
  if (file.startsWith('~/')) return join(homedir(), file.slice(2));
  return resolve(file);
}

function settingsAsText(logger: Logger | undefined): Record<string, string> {
  try {
    const settings = new UserSettingsFile().read();
    return Object.fromEntries(Object.entries(settings).map(([key, value]) => [key, String(value)]));
  } catch (error) {
    // A broken settings file must not stop the backup of the profile; the log says it was left out.
    logger?.warn(
      { task: 'backupSettings', code: (error as { code?: string }).code },
      'settings file left out',
    );
    return {};
  }
}

export function exportBackupForTui(
  engine: QpcEngine,
  file: string,
  options: { words?: string },
  logger?: Logger,
): Promise<BackupSummary> {
  return engine.exportBackup(expandBackupPath(file), { ...options, userSettings: settingsAsText(logger) });
}

export async function importBackupForTui(
  engine: QpcEngine,
  file: string,
  words: string,
  logger?: Logger,
): Promise<ImportBackupResult> {
  const result = await engine.importBackup(expandBackupPath(file), words);
  const settingsFile = new UserSettingsFile();
  for (const [key, value] of Object.entries(result.userSettings)) {
    try {
      settingsFile.set(key, value);
    } catch (error) {
      // One setting this version does not take must not undo the import, which is already written.
      logger?.warn(
        { task: 'backupSettings', code: (error as { code?: string }).code },
        'setting not restored',
      );
    }
  }
  return result;
}
