/**
 * `qpc-server rotate tls-cert` on a running server over real QUIC: sessions opened before the rotation
 * keep sending and receiving (the server reloads on SIGHUP for new connections only), a client that
 * pinned the old certificate follows the server's signed announcement to the new one without `repin`,
 * and an announcement not signed by the key the client pinned leaves it refused with the pin error.
 */
import { create } from '@bufbuild/protobuf';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProfile } from '../../src/engine/client/profile.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { fromHex, toHex } from '../../src/lib/bytes.js';
import { systemClock } from '../../src/lib/clock.js';
import { CertificateAnnouncementSchema } from '../../src/protocol/index.js';
import {
  databasePath,
  existingDatabaseKey,
  openExistingDatabase,
} from '../../src/server/ops/existingDatabase.js';
import {
  signCertificateChange,
  storeCertificateAnnouncement,
} from '../../src/server/tls/certificateAnnouncements.js';
import { generateDevCertificate } from '../../src/server/tls/generateDevCertificate.js';
import { certificateFingerprint, DEV_CERT_FILE } from '../../src/server/tls/loadServerCertificate.js';
import { runServerToExit } from '../server/serverProcess.js';
import {
  isJoined,
  isMessage,
  registeredClient,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  TEST_STORE_KEY,
  type RunningServer,
  type TestClient,
} from './harness.js';
import { readFileSync } from 'node:fs';

const isOffline = (event: EngineEvent): boolean =>
  event.type === 'connectionChanged' && event.connection.status === 'offline';

async function pinOf(profileDir: string, server: string): Promise<string | undefined> {
  const store = await openProfile({ dir: profileDir, create: false, env: { QPC_STORE_KEY: TEST_STORE_KEY } });
  try {
    return store.serverPins.get(server);
  } finally {
    store.close();
  }
}

describe('TLS certificate rotation on a running server', () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  let dataDir: string;
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient;
  let carolDir: string;

  const dir = (name: string): string => {
    const made = tempDir(name);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    dataDir = dir('server');
    server = await startServer(dataDir);
    servers.push(server);
    alice = await registeredClient(dir('alice'), server.address, 'alice');
    bob = await registeredClient(dir('bob'), server.address, 'bob');
    carolDir = dir('carol');
    const carol = await registeredClient(carolDir, server.address, 'carol');
    // First contact pinned the certificate and the server's signing keys.
    expect(carol.store.deliveryProofs.keys().length).toBeGreaterThan(0);
    await carol.close();
  }, 180_000);

  afterAll(async () => {
    const started: (TestClient | undefined)[] = [alice, bob];
    await Promise.allSettled(started.map((client) => client?.close() ?? Promise.resolve()));
    for (const running of servers) if (running.child.exitCode === null) await running.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it(
    'keeps sessions, moves announced pins and refuses a forged announcement',
    { timeout: 240_000 },
    async () => {
      const groupId = (await alice.engine.createGroup('tls')).id;
      await alice.engine.invite('tls', 'bob');
      await bob.waitFor(isJoined(groupId));
      await alice.engine.send('tls', 'before the rotation');
      await bob.waitFor(isMessage('before the rotation'));
      const oldPin = await pinOf(carolDir, server.address);

      const fresh = await generateDevCertificate(systemClock);
      const files = dir('new-cert');
      const certFile = join(files, 'new-cert.der');
      const keyFile = join(files, 'new-key.der');
      writeFileSync(certFile, fresh.certificateDer);
      writeFileSync(keyFile, fresh.privateKeyDer, { mode: 0o600 });
      const newSha256 = certificateFingerprint(fresh.certificateDer);

      const marks = [alice.events.length, bob.events.length];
      const dry = await runServerToExit([
        'rotate',
        'tls-cert',
        '--cert',
        certFile,
        '--key',
        keyFile,
        '--dry-run',
        '--data',
        dataDir,
      ]);
      expect(dry.stderr).toBe('');
      expect(dry.stdout).toContain('Nothing was changed');
      const rotated = await runServerToExit([
        'rotate',
        'tls-cert',
        '--cert',
        certFile,
        '--key',
        keyFile,
        '--data',
        dataDir,
      ]);
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toContain(`-> ${newSha256}`);
      expect(rotated.stdout).toContain('verified: the running server');
      const backupKey = /backup: \S+ and (\S+)/u.exec(rotated.stdout)?.[1];
      expect(statSync(join(dataDir, backupKey ?? 'missing')).mode & 0o777).toBe(0o600);
      expect(rotated.stderr).toContain('"event":"key_rotated"');

      // Sessions from before: both ways, and no connection dropped.
      await alice.engine.send('tls', 'after the rotation');
      await bob.waitFor(isMessage('after the rotation'));
      await bob.engine.send('tls', 'reply after the rotation');
      await alice.waitFor(isMessage('reply after the rotation'));
      expect(alice.events.slice(marks[0]).some(isOffline)).toBe(false);
      expect(bob.events.slice(marks[1]).some(isOffline)).toBe(false);

      // Carol pinned the old certificate: her next connection follows the signed announcement.
      const received = await runQpc(['receive', '--profile', carolDir]);
      expect(received.stderr).not.toMatch(/pinned/u);
      expect(received.code, received.stderr).toBe(0);
      expect(await pinOf(carolDir, server.address)).toBe(newSha256);
      expect(newSha256).not.toBe(oldPin);

      // An impostor on the same address, announcing its own certificate under the real key id but signed
      // with its own key: Carol's pin stays and the connection is refused.
      const impostorDir = dir('impostor');
      const first = await startServer(impostorDir);
      await first.kill('SIGTERM');
      const impostorSha256 = certificateFingerprint(
        new Uint8Array(readFileSync(join(impostorDir, DEV_CERT_FILE))),
      );
      const carolStore = await openProfile({
        dir: carolDir,
        create: false,
        env: { QPC_STORE_KEY: TEST_STORE_KEY },
      });
      const trustedKeyId = carolStore.deliveryProofs.keys()[0]?.keyId ?? '';
      carolStore.close();
      const key = existingDatabaseKey({ dbKeyHex: undefined, dataDir: impostorDir });
      const db = openExistingDatabase(databasePath(impostorDir), key);
      const seed = new Uint8Array(
        db
          .prepare<[], { value: Buffer }>("SELECT value FROM server_state WHERE name = 'signing_key_seed'")
          .get()!.value,
      );
      const forged = signCertificateChange({
        seed,
        oldSha256Hex: newSha256,
        newSha256Hex: impostorSha256,
        at: Date.now(),
      });
      storeCertificateAnnouncement(
        db,
        create(CertificateAnnouncementSchema, { ...forged, keyId: fromHex(trustedKeyId) }),
      );
      db.close();
      expect(toHex(forged.keyId)).not.toBe(trustedKeyId);

      await server.kill('SIGTERM');
      const impostor = await startServer(impostorDir, server.port);
      servers.push(impostor);
      const refused = await runQpc(['receive', '--profile', carolDir]);
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/does not match the pinned one/u);
      expect(await pinOf(carolDir, server.address)).toBe(newSha256);
    },
  );
});
