/**
 * Backup and restore of a server database holding 100,000 queued messages (500-byte payloads, 1,000
 * recipients): `qpc-server backup` (VACUUM INTO, encrypted, checked) and `restore` (checks, move aside,
 * copy, open), and the rotations `db-key` (backup, rekey, checks) and `auth-token`, against the baseline
 * of copying the stopped database file (the old manual way).
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { systemClock } from '../../src/lib/clock.js';
import { rotateAuthToken } from '../../src/server/ops/authTokenRotation.js';
import { backupDatabase } from '../../src/server/ops/databaseBackup.js';
import { restoreDatabase } from '../../src/server/ops/databaseRestore.js';
import { rotateDbKey } from '../../src/server/ops/dbKeyRotation.js';
import { openServerDatabase, SERVER_DATABASE_FILE } from '../../src/server/storage/openServerDatabase.js';
import { loadOrCreateServerState } from '../../src/server/storage/serverState.js';
import { figure, heading, type BenchSection } from '../report.js';

const MESSAGES = 100_000;
const RECIPIENTS = 1_000;

export const section: BenchSection = {
  name: 'operations',
  run() {
    heading(`Backup, restore and rotations, ${MESSAGES.toLocaleString('en')} queued messages`);
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-ops-'));
    const dataDir = join(dir, 'data');
    const key = new Uint8Array(randomBytes(32));
    try {
      const db = openServerDatabase(join(dataDir, SERVER_DATABASE_FILE), key);
      loadOrCreateServerState(db, {
        createOpaqueSetup: () => 'setup',
        randomBytes: (n) => new Uint8Array(randomBytes(n)),
      });
      const insert = db.prepare(
        'INSERT INTO queue (recipient, payload, enqueued_at, expires_at) VALUES (?, ?, ?, ?)',
      );
      const recipients = Array.from({ length: RECIPIENTS }, () => randomBytes(32));
      const payload = randomBytes(500);
      const now = Date.now();
      db.transaction(() => {
        for (let i = 0; i < MESSAGES; i += 1)
          insert.run(recipients[i % RECIPIENTS], payload, now, now + 86_400_000);
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const size = statSync(join(dataDir, SERVER_DATABASE_FILE)).size;
      figure('database size', size / (1024 * 1024), 'MiB');

      let started = performance.now();
      copyFileSync(join(dataDir, SERVER_DATABASE_FILE), join(dir, 'copy.db'));
      figure('baseline: copy the stopped database file', performance.now() - started, 'ms');

      started = performance.now();
      const backup = backupDatabase({ dataDir, key, to: join(dir, 'backup.db'), clock: systemClock });
      figure('qpc-server backup (VACUUM INTO + integrity check)', performance.now() - started, 'ms');

      started = performance.now();
      restoreDatabase({ dataDir, key, from: backup.file, clock: systemClock });
      figure('qpc-server restore (checks, set aside, copy, open)', performance.now() - started, 'ms');

      started = performance.now();
      rotateDbKey({ dataDir, oldKey: key, keyFromEnvironment: true, dryRun: false, clock: systemClock });
      figure('qpc-server rotate db-key (backup, rekey, checks)', performance.now() - started, 'ms');

      started = performance.now();
      rotateAuthToken({
        dataDir,
        configuredToken: 'bench-token-0123456789',
        graceMs: 86_400_000,
        dryRun: false,
        clock: systemClock,
      });
      figure('qpc-server rotate auth-token (backup, write, check)', performance.now() - started, 'ms');
    } finally {
      key.fill(0);
      rmSync(dir, { recursive: true, force: true });
    }
    return Promise.resolve();
  },
};
