import { wipe } from '../../lib/bytes.js';
import { systemClock } from '../../lib/clock.js';
import { backupDatabase } from '../../server/ops/databaseBackup.js';
import { existingDatabaseKey, requireDatabase } from '../../server/ops/existingDatabase.js';
import { commandConfig, requiredOption, splitCommandArgs } from './commandArgs.js';

export const BACKUP_USAGE = 'qpc-server backup --to FILE [--data DIR] [--config FILE]';

/** `qpc-server backup --to FILE`: an online, encrypted, checked copy of the database. */
export function runBackupCommand(
  argv: readonly string[],
  normalize: (argv: readonly string[]) => string[],
): number {
  const { own, rest } = splitCommandArgs(argv, { to: 'string' });
  const to = requiredOption(own, 'to', BACKUP_USAGE);
  const config = commandConfig(rest, normalize);
  requireDatabase(config.dataDir);
  const key = existingDatabaseKey(config);
  try {
    const result = backupDatabase({ dataDir: config.dataDir, key, to, clock: systemClock });
    process.stdout.write(
      `backup written: ${result.file} (${result.bytes} bytes, mode 0600, ${result.durationMs} ms)\n` +
        `checked: integrity ok, schema ${result.schemaVersion}, ${result.users} users, ` +
        `${result.queuedMessages} queued messages\n` +
        'It is encrypted with the current database key: keep that key to restore it.\n',
    );
  } finally {
    wipe(key);
  }
  return 0;
}
