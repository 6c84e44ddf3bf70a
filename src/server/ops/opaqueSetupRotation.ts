import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import type { Clock } from '../../lib/clock.js';
import {
  accountsNeedingReRegistration,
  currentOpaqueGeneration,
  replaceOpaqueSetup,
  storedSessions,
} from '../auth/opaqueSetupGeneration.js';
import { createOpaqueServerSetup, opaqueReady } from '../auth/opaqueAuthService.js';
import { migrateServerDatabase } from '../storage/migrations.js';
import { backupDatabase } from './databaseBackup.js';
import { refuseIfDatabaseInUse } from './databaseInUse.js';
import { BACKUPS_DIR, fileStamp } from './databaseRestore.js';
import { databasePath, openExistingDatabase } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { recordRotation } from './rotationLog.js';
import { refuseIfRunning } from './runState.js';

export interface OpaqueSetupRotationResult {
  /** Setup generation before and after (0 is the setup the server created on its first start). */
  oldGeneration: number;
  newGeneration: number;
  /** Accounts that re-register in place at their next login. */
  accounts: number;
  /** Sessions ended (on a dry run: that would end); their clients log in again. */
  sessions: number;
  /** The encrypted database copy taken first (it holds the old setup), relative to the data directory. */
  backup: string | undefined;
  durationMs: number;
}

/**
 * A new OPAQUE server setup for a stopped server (it loads the setup at startup). Every account's record
 * was made under the old setup, so none can log in with its password afterwards: each is marked by its
 * older generation and re-registers in place at its next login, signed by its identity key (docs/
 * operations.md). Every session ends in the same transaction (each was opened against the old setup), so
 * logged-in clients are refused and log in again. Usernames, identity keys, groups and queued messages are
 * untouched. The old setup stays
 * only in the backup taken first, so a rollback is `qpc-server restore --from` that backup.
 */
export async function rotateOpaqueSetup(input: {
  dataDir: string;
  dbKey: Uint8Array;
  dryRun: boolean;
  clock: Clock;
}): Promise<OpaqueSetupRotationResult> {
  const started = input.clock.now();
  refuseIfRunning(input.dataDir, 'rotate opaque-setup');
  const path = databasePath(input.dataDir);
  refuseIfDatabaseInUse(path, input.dbKey, 'rotate opaque-setup');
  await opaqueReady;
  let backup: string | undefined;
  if (!input.dryRun) {
    mkdirSync(join(input.dataDir, BACKUPS_DIR), { recursive: true, mode: 0o700 });
    backup = join(BACKUPS_DIR, `opaque-setup-${fileStamp(started)}-${started % 1000}.db`);
    backupDatabase({
      dataDir: input.dataDir,
      key: input.dbKey,
      to: join(input.dataDir, backup),
      clock: input.clock,
    });
  }
  const db = openExistingDatabase(path, input.dbKey);
  try {
    const readSetup = db.prepare<[], { value: Buffer }>(
      "SELECT value FROM server_state WHERE name = 'opaque_setup'",
    );
    const oldSetup = readSetup.get()?.value.toString('utf8');
    if (oldSetup === undefined) {
      throw new OpsError(OpsErrorCode.RotationInvalid, `${path}: no OPAQUE setup yet`, {
        hint: 'Start the server once: it creates its OPAQUE setup.',
      });
    }
    if (!input.dryRun) migrateServerDatabase(db);
    const oldGeneration = currentOpaqueGeneration(db);
    const accounts = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0;
    if (input.dryRun) {
      const sessions = storedSessions(db);
      return { oldGeneration, newGeneration: oldGeneration + 1, accounts, sessions, backup, durationMs: 0 };
    }
    const replaced = replaceOpaqueSetup(db, createOpaqueServerSetup());
    const newGeneration = replaced.generation;
    verify(db, path, oldSetup, newGeneration, accounts, backup);
    recordRotation(input.dataDir, {
      material: 'opaque-setup',
      at: started,
      ...(backup === undefined ? {} : { backup }),
    });
    return {
      oldGeneration,
      newGeneration,
      accounts,
      sessions: replaced.sessionsEnded,
      backup,
      durationMs: input.clock.now() - started,
    };
  } finally {
    db.close();
  }
}

/**
 * The stored setup is new and usable (it answers a registration), every account is marked for
 * re-registration and no session is left; otherwise the operator is told to restore the backup.
 */
function verify(
  db: ReturnType<typeof openExistingDatabase>,
  path: string,
  oldSetup: string,
  generation: number,
  accounts: number,
  backup: string | undefined,
): void {
  const stored = db
    .prepare<[], { value: Buffer }>("SELECT value FROM server_state WHERE name = 'opaque_setup'")
    .get()
    ?.value.toString('utf8');
  let usable = false;
  if (stored !== undefined && stored !== oldSetup && currentOpaqueGeneration(db) === generation) {
    try {
      const { registrationRequest } = opaque.client.startRegistration({ password: 'rotation check' });
      opaque.server.createRegistrationResponse({
        serverSetup: stored,
        userIdentifier: 'rotation-check',
        registrationRequest,
      });
      usable = true;
    } catch {
      // A setup the library cannot use: reported just below as a failed verification.
      usable = false;
    }
  }
  if (!usable || accountsNeedingReRegistration(db, generation) !== accounts || storedSessions(db) !== 0) {
    throw new OpsError(
      OpsErrorCode.RotationVerifyFailed,
      `${path}: the new OPAQUE setup is not as expected`,
      {
        hint: `Restore ${backup ?? 'the backup'} (qpc-server restore --from) and report this.`,
      },
    );
  }
}
