import { pino } from 'pino';
import { wipe } from '../../lib/bytes.js';
import { systemClock } from '../../lib/clock.js';
import { existingDatabaseKey, requireDatabase } from '../../server/ops/existingDatabase.js';
import { refuseIfRunning } from '../../server/ops/runState.js';
import { rotateSigningKey } from '../../server/ops/signingKeyRotation.js';
import { commandConfig } from './commandArgs.js';

/** `qpc-server rotate signing-key`: a new Ed25519 key for a stopped server; the old one stays published. */
export function runSigningKeyRotation(
  rest: readonly string[],
  normalize: (argv: readonly string[]) => string[],
  dryRun: boolean,
): number {
  const config = commandConfig(rest, normalize);
  refuseIfRunning(config.dataDir, 'rotate signing-key');
  requireDatabase(config.dataDir);
  const dbKey = existingDatabaseKey(config);
  try {
    const result = rotateSigningKey({ dataDir: config.dataDir, dbKey, dryRun, clock: systemClock });
    if (dryRun) {
      process.stdout.write(
        `dry run: would retire signing key ${result.oldKeyId} (kept published) for a new one. Nothing was changed.\n`,
      );
      return 0;
    }
    pino({ name: 'qpc-server' }, pino.destination({ fd: 2, sync: true })).info(
      { event: 'key_rotated', material: 'signing-key', keyId: result.newKeyId, backup: result.backup },
      'key material rotated',
    );
    process.stdout.write(
      `new signing key ${result.newKeyId}; retired ${result.oldKeyId}, still published ` +
        `(${result.published} keys in Ping)\nbackup: ${result.backup}\nStart qpc-server now.\n`,
    );
  } finally {
    wipe(dbKey);
  }
  return 0;
}
