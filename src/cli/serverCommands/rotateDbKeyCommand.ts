import { pino } from 'pino';
import { wipe } from '../../lib/bytes.js';
import { systemClock } from '../../lib/clock.js';
import { rotateDbKey } from '../../server/ops/dbKeyRotation.js';
import { existingDatabaseKey, requireDatabase } from '../../server/ops/existingDatabase.js';
import { refuseIfRunning } from '../../server/ops/runState.js';
import { commandConfig } from './commandArgs.js';

/** `qpc-server rotate db-key`: rekey the database of a stopped server. */
export function runDbKeyRotation(
  rest: readonly string[],
  normalize: (argv: readonly string[]) => string[],
  dryRun: boolean,
): number {
  const config = commandConfig(rest, normalize);
  // Before the key is read: a running server is the first thing the operator must deal with.
  refuseIfRunning(config.dataDir, 'rotate db-key');
  requireDatabase(config.dataDir);
  const oldKey = existingDatabaseKey(config);
  try {
    const result = rotateDbKey({
      dataDir: config.dataDir,
      oldKey,
      keyFromEnvironment: config.dbKeyHex !== undefined,
      dryRun,
      clock: systemClock,
    });
    if (dryRun) {
      process.stdout.write(
        `dry run: would back up and rekey ${config.dataDir} (${result.users} users, ` +
          `${result.queuedMessages} queued messages). Nothing was changed.\n`,
      );
      return 0;
    }
    pino({ name: 'qpc-server' }, pino.destination({ fd: 2, sync: true })).info(
      { event: 'key_rotated', material: 'db-key', backup: result.backup, durationMs: result.durationMs },
      'key material rotated',
    );
    process.stdout.write(
      (result.newKeyHex === undefined
        ? `new database key written to ${result.keyFile}\n`
        : `new database key (shown once; set QPC_DB_KEY to it before starting the server): ${result.newKeyHex}\n`) +
        `verified: integrity ok, ${result.users} users, ${result.queuedMessages} queued messages, ` +
        `the old key no longer opens the database (${result.durationMs} ms)\n` +
        `backup under the old key: ${result.backup}\n`,
    );
  } finally {
    wipe(oldKey);
  }
  return 0;
}
