import { wipe } from '../../lib/bytes.js';
import { systemClock } from '../../lib/clock.js';
import { restoreDatabase } from '../../server/ops/databaseRestore.js';
import { existingDatabaseKey } from '../../server/ops/existingDatabase.js';
import { refuseIfRunning } from '../../server/ops/runState.js';
import { commandConfig, requiredOption, splitCommandArgs } from './commandArgs.js';

export const RESTORE_USAGE = 'qpc-server restore --from FILE [--data DIR] [--config FILE]';

/** `qpc-server restore --from FILE`: replace the database of a stopped server with a checked backup. */
export function runRestoreCommand(
  argv: readonly string[],
  normalize: (argv: readonly string[]) => string[],
): number {
  const { own, rest } = splitCommandArgs(argv, { from: 'string' });
  const from = requiredOption(own, 'from', RESTORE_USAGE);
  const config = commandConfig(rest, normalize);
  // Before the key is read: a running server is the first thing the operator must deal with.
  refuseIfRunning(config.dataDir, 'restore');
  const key = existingDatabaseKey(config);
  try {
    const result = restoreDatabase({ dataDir: config.dataDir, key, from, clock: systemClock });
    process.stdout.write(
      `restored ${from} (${result.durationMs} ms): schema ${result.schemaVersion}, ${result.users} users, ` +
        `${result.queuedMessages} queued messages\n` +
        (result.previous === undefined
          ? 'there was no database before\n'
          : `the database it replaced is kept in ${result.previous}\n`) +
        'Start qpc-server now.\n',
    );
  } finally {
    wipe(key);
  }
  return 0;
}
