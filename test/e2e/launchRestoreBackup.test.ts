/**
 * The first run's "log in with my recovery words and a backup file", through the full-screen client's
 * real LaunchApi (TuiLaunch) over loopback QUIC with a real qpc-server, real OPAQUE, SQLCipher and MLS:
 * alice talks with bob and verifies him, exports a backup, and a fresh profile restores from the words
 * and that file in one step. Other words refuse the file before anything changes (the profile keeps no
 * identity); the right words bring back bob as a verified contact and the history.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackupErrorCode } from '../../src/engine/backup/backupErrors.js';
import { openProfile } from '../../src/engine/client/profile.js';
import { generateIdentityMnemonic } from '../../src/engine/identity/index.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { TuiLaunch } from '../../src/cli/commands/tuiLaunch.js';
import {
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  TEST_STORE_KEY,
  type RunningServer,
  type TestClient,
} from './harness.js';

const noProgress = (): void => undefined;

describe('first run: restore from the words and a backup file', () => {
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  let server: RunningServer;
  const savedConfigDir = process.env.QPC_CONFIG_DIR;

  const dir = (prefix: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    // The import writes the backup's settings into the person's settings file: a temporary one here.
    process.env.QPC_CONFIG_DIR = dir('config');
    server = await startServer(dir('server'));
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
    if (savedConfigDir === undefined) delete process.env.QPC_CONFIG_DIR;
    else process.env.QPC_CONFIG_DIR = savedConfigDir;
  });

  it(
    'refuses other words before anything changes, then restores contacts, trust and history',
    {
      timeout: 300_000,
    },
    async () => {
      const alice = await openClient(dir('alice'), server.address);
      const words = QpcEngine.createIdentity(alice.store);
      await alice.engine.register('alice', 'pw-alice');
      const bob = await registeredClient(dir('bob'), server.address, 'bob');
      clients.push(bob);
      const group = await alice.engine.createGroup('friends');
      await alice.engine.invite(group.id, 'bob');
      await bob.waitFor(isJoined(group.id), 60_000);
      await bob.engine.send(group.id, 'hello alice');
      await alice.waitFor(isMessage('hello alice'), 60_000);
      await alice.engine.verifyContact('bob');
      const file = join(dir('backup'), 'alice.qpcbackup');
      await alice.engine.exportBackup(file);
      await alice.close();

      const fresh = dir('alice-new');
      const env = { QPC_STORE_KEY: TEST_STORE_KEY };
      const launch = new TuiLaunch({ profileDir: fresh, env, server: server.address });
      expect(await launch.start(noProgress)).toMatchObject({ kind: 'firstRun' });
      await expect(
        launch.restore(server.address, generateIdentityMnemonic(24), 'alice', 'pw-alice', noProgress, file),
      ).rejects.toMatchObject({ code: BackupErrorCode.wrongWords });
      await launch.close();
      const untouched = await openProfile({ dir: fresh, create: false, env });
      expect(untouched.identity.load()).toBeUndefined();
      untouched.close();

      const again = new TuiLaunch({ profileDir: fresh, env, server: server.address });
      expect(await again.start(noProgress)).toMatchObject({ kind: 'firstRun' });
      await again.restore(server.address, words, 'alice', 'pw-alice', noProgress, file);
      await again.close();

      const restored = await openClient(fresh, server.address);
      clients.push(restored);
      await restored.engine.connect();
      expect((await restored.engine.whoami()).username).toBe('alice');
      expect((await restored.engine.safetyNumber('bob')).verification).toBe('verified');
      const texts = (await restored.engine.inboxAfter(0, 100)).map((item) => item.message.text);
      expect(texts).toContain('hello alice');
    },
  );
});
