import { pino } from 'pino';
import { wipe } from '../../lib/bytes.js';
import { systemClock } from '../../lib/clock.js';
import { existingDatabaseKey, requireDatabase } from '../../server/ops/existingDatabase.js';
import { rotateOpaqueSetup } from '../../server/ops/opaqueSetupRotation.js';
import { OpsError, OpsErrorCode } from '../../server/ops/opsErrors.js';
import { refuseIfRunning } from '../../server/ops/runState.js';
import { commandConfig, splitCommandArgs } from './commandArgs.js';

export const CONFIRM_FLAG = 'i-understand-users-must-reregister';

/**
 * `qpc-server rotate opaque-setup --i-understand-users-must-reregister`: a new OPAQUE setup for a stopped
 * server. Every account then re-registers in place at its next login (qpc does it by itself).
 */
export async function runOpaqueSetupRotation(
  argv: readonly string[],
  normalize: (argv: readonly string[]) => string[],
  dryRun: boolean,
): Promise<number> {
  const { own, rest } = splitCommandArgs(argv, { [CONFIRM_FLAG]: 'boolean' });
  if (!dryRun && own.get(CONFIRM_FLAG) !== true) {
    throw new OpsError(
      OpsErrorCode.RotationInvalid,
      'rotating the OPAQUE setup makes every account re-register at its next login',
      { hint: `Add --${CONFIRM_FLAG} to go ahead, or --dry-run to see what it would do.` },
    );
  }
  const config = commandConfig(rest, normalize);
  refuseIfRunning(config.dataDir, 'rotate opaque-setup');
  requireDatabase(config.dataDir);
  const dbKey = existingDatabaseKey(config);
  try {
    const result = await rotateOpaqueSetup({ dataDir: config.dataDir, dbKey, dryRun, clock: systemClock });
    if (dryRun) {
      process.stdout.write(
        `dry run: would replace the OPAQUE setup; ${result.accounts} account(s) would re-register in ` +
          `place at their next login, and ${result.sessions} session(s) would end. Nothing was changed.\n`,
      );
      return 0;
    }
    pino({ name: 'qpc-server' }, pino.destination({ fd: 2, sync: true })).info(
      {
        event: 'key_rotated',
        material: 'opaque-setup',
        generation: result.newGeneration,
        accounts: result.accounts,
        sessionsEnded: result.sessions,
        backup: result.backup,
        durationMs: result.durationMs,
      },
      'key material rotated',
    );
    process.stdout.write(
      `new OPAQUE setup (generation ${result.newGeneration}); ${result.accounts} account(s) re-register in ` +
        `place at their next login (qpc does it with the account's identity key); ${result.sessions} ` +
        `session(s) ended\nbackup: ${result.backup}\n` +
        'verified: the new setup answers registrations, every account is marked and no session is left. ' +
        'Start qpc-server now.\n',
    );
  } finally {
    wipe(dbKey);
  }
  return 0;
}
