/**
 * Every rotation a command does, timed on a server data directory whose database holds 100,000 queued
 * messages (500-byte payloads, 1,000 recipients), with what each backed up and how big that is:
 * auth-token, tls-cert (with its signed announcement), federation-cert (replacing an installed pair),
 * signing-key, opaque-setup and db-key, in that order on the same database. The baseline, measured in
 * the same run, is copying the stopped database file (the manual backup the old runbook started with).
 * `npm run bench -- rotations`.
 */
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ManualClock, systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../../src/server/config/serverConfig.js';
import { rotateAuthToken } from '../../src/server/ops/authTokenRotation.js';
import { rotateCertificate } from '../../src/server/ops/certificateRotation.js';
import { rotateDbKey } from '../../src/server/ops/dbKeyRotation.js';
import { rotateOpaqueSetup } from '../../src/server/ops/opaqueSetupRotation.js';
import { rotateSigningKey } from '../../src/server/ops/signingKeyRotation.js';
import { createOpaqueServerSetup, opaqueReady } from '../../src/server/auth/opaqueAuthService.js';
import { openServerDatabase, SERVER_DATABASE_FILE } from '../../src/server/storage/openServerDatabase.js';
import { loadOrCreateServerState } from '../../src/server/storage/serverState.js';
import { generateDevCertificate } from '../../src/server/tls/generateDevCertificate.js';
import { prepareServerCertificate } from '../../src/server/tls/loadServerCertificate.js';
import { figure, heading, type BenchSection } from '../report.js';

const MESSAGES = 100_000;
const RECIPIENTS = 1_000;

async function fillDatabase(dataDir: string, key: Uint8Array): Promise<void> {
  await opaqueReady;
  const db = openServerDatabase(join(dataDir, SERVER_DATABASE_FILE), key);
  loadOrCreateServerState(db, {
    // A real setup: the opaque-setup rotation checks that the new one differs and answers a registration.
    createOpaqueSetup: createOpaqueServerSetup,
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
}

function sizeKiB(dataDir: string, files: readonly (string | undefined)[]): string {
  const bytes = files.reduce(
    (sum, file) => sum + (file === undefined ? 0 : statSync(join(dataDir, file)).size),
    0,
  );
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export const section: BenchSection = {
  name: 'rotations',
  async run() {
    heading(`Rotations on a server database of ${MESSAGES.toLocaleString('en')} queued messages`);
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-rotations-'));
    const dataDir = join(dir, 'data');
    const key = new Uint8Array(randomBytes(32));
    const config = {
      ...DEFAULT_CONFIG,
      dataDir,
      configFile: undefined,
      certPath: undefined,
      keyPath: undefined,
      federationCertPath: undefined,
      federationKeyPath: undefined,
      dbKeyHex: undefined,
      authToken: undefined,
      adminToken: undefined,
    } as ServerConfig;
    try {
      await fillDatabase(dataDir, key);
      await prepareServerCertificate({ ...config, clock: systemClock, logger: silentLogger() });
      const dbSize = statSync(join(dataDir, SERVER_DATABASE_FILE)).size;
      figure('database size', dbSize / (1024 * 1024), 'MiB');

      let started = performance.now();
      copyFileSync(join(dataDir, SERVER_DATABASE_FILE), join(dir, 'copy.db'));
      const baseline = performance.now() - started;
      figure('baseline: copy the stopped database file', baseline, 'ms');
      const ratio = (ms: number): string => `${(ms / baseline).toFixed(2)}x baseline`;

      started = performance.now();
      const token = rotateAuthToken({
        dataDir,
        configuredToken: 'bench-token-0123456789',
        graceMs: 86_400_000,
        dryRun: false,
        clock: systemClock,
      });
      let ms = performance.now() - started;
      figure(
        'rotate auth-token',
        ms,
        'ms',
        `${ratio(ms)}; backed up ${token.backup} (${sizeKiB(dataDir, [token.backup])})`,
      );

      const fresh = await generateDevCertificate(new ManualClock(Date.now()));
      writeFileSync(join(dir, 'new-cert.der'), fresh.certificateDer);
      writeFileSync(join(dir, 'new-key.der'), fresh.privateKeyDer, { mode: 0o600 });
      started = performance.now();
      const tls = rotateCertificate({
        material: 'tls-cert',
        config,
        certFile: join(dir, 'new-cert.der'),
        keyFile: join(dir, 'new-key.der'),
        serverName: undefined,
        dbKey: key,
        dryRun: false,
        clock: systemClock,
        logger: silentLogger(),
      });
      ms = performance.now() - started;
      const tlsBackup = tls.backup === undefined ? [] : [tls.backup.cert, tls.backup.key];
      figure(
        'rotate tls-cert (checks, backup, signed announcement, install, read back)',
        ms,
        'ms',
        `${ratio(ms)}; backed up ${tlsBackup.join(' + ')} (${sizeKiB(dataDir, tlsBackup)})`,
      );

      // federation-cert: the first install has nothing to back up, so the timed one replaces a pair.
      const certFiles = async (name: string): Promise<{ certFile: string; keyFile: string }> => {
        const made = await generateDevCertificate(new ManualClock(Date.now()));
        writeFileSync(join(dir, `${name}-cert.der`), made.certificateDer);
        writeFileSync(join(dir, `${name}-key.der`), made.privateKeyDer, { mode: 0o600 });
        return { certFile: join(dir, `${name}-cert.der`), keyFile: join(dir, `${name}-key.der`) };
      };
      const federationRotation = (files: { certFile: string; keyFile: string }) =>
        rotateCertificate({
          material: 'federation-cert',
          config,
          ...files,
          serverName: undefined,
          dbKey: key,
          dryRun: false,
          clock: systemClock,
          logger: silentLogger(),
        });
      federationRotation(await certFiles('federation-first'));
      const secondFederation = await certFiles('federation-second');
      started = performance.now();
      const federation = federationRotation(secondFederation);
      ms = performance.now() - started;
      const federationBackup =
        federation.backup === undefined ? [] : [federation.backup.cert, federation.backup.key];
      figure(
        'rotate federation-cert (checks, backup, install, read back)',
        ms,
        'ms',
        `${ratio(ms)}; backed up ${federationBackup.join(' + ')} (${sizeKiB(dataDir, federationBackup)})`,
      );

      started = performance.now();
      const signing = rotateSigningKey({ dataDir, dbKey: key, dryRun: false, clock: systemClock });
      ms = performance.now() - started;
      const signingBackup = signing.backup === undefined ? [] : [signing.backup];
      figure(
        'rotate signing-key (database backup, new key, checks)',
        ms,
        'ms',
        `${ratio(ms)}; backed up ${signingBackup.join('')} (${sizeKiB(dataDir, signingBackup)})`,
      );

      started = performance.now();
      const setup = await rotateOpaqueSetup({ dataDir, dbKey: key, dryRun: false, clock: systemClock });
      ms = performance.now() - started;
      const setupBackup = setup.backup === undefined ? [] : [setup.backup];
      figure(
        'rotate opaque-setup (database backup, new setup, sessions ended, checks)',
        ms,
        'ms',
        `${ratio(ms)}; backed up ${setupBackup.join('')} (${sizeKiB(dataDir, setupBackup)})`,
      );

      started = performance.now();
      const dbKey = rotateDbKey({
        dataDir,
        oldKey: key,
        keyFromEnvironment: true,
        dryRun: false,
        clock: systemClock,
      });
      ms = performance.now() - started;
      figure(
        'rotate db-key (database backup, rekey, checks)',
        ms,
        'ms',
        `${ratio(ms)}; backed up ${dbKey.backup} (${sizeKiB(dataDir, [dbKey.backup])})`,
      );
    } finally {
      key.fill(0);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
