/**
 * Accounts that survive failures, over real QUIC, OPAQUE, SQLCipher and MLS:
 * - a registration that fails once (a taken username) and is retried shows the 24 words, and they are the
 *   words of the key registered (TUI launch level and `qpc account register --show-recovery-words`);
 * - leaving the words screen before the check (Ctrl-C) brings the words and the check back at the next
 *   launch, and only the check opens the main screen;
 * - a user restored from the 24 words (engine and `qpc account restore`) can be invited to a new group and
 *   reads its messages: the old device's KeyPackages are retired when the new hybrid key is published;
 * - a second qpc on a profile in use is refused; a lock left by a dead process is taken over.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TuiLaunch } from '../../src/cli/commands/tuiLaunch.js';
import { fingerprintOf, identityFromMnemonic } from '../../src/engine/identity/index.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import {
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  TEST_STORE_KEY,
  type RunningServer,
  type TestClient,
} from './harness.js';

const noProgress = (): void => undefined;

function fingerprintOfWords(words: string): string {
  const identity = identityFromMnemonic(words);
  identity.privateKey.fill(0);
  return fingerprintOf(identity.publicKey).hex;
}

describe('accounts that survive failures', () => {
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  let server: RunningServer;

  const dir = (prefix: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await startServer(dir('server'));
    clients.push(await registeredClient(dir('taken'), server.address, 'taken'));
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it(
    'TUI launch: a retry after a taken username shows the words; they come back until checked',
    { timeout: 120_000 },
    async () => {
      const profileDir = dir('tui-first-run');
      const env = { QPC_STORE_KEY: TEST_STORE_KEY };
      const launch = new TuiLaunch({ profileDir, env, server: server.address });
      expect(await launch.start(noProgress)).toMatchObject({ kind: 'firstRun' });
      await expect(launch.register(server.address, 'taken', 'pw-newcomer', noProgress)).rejects.toMatchObject(
        { message: expect.stringContaining('username') as unknown },
      );
      const words = await launch.register(server.address, 'newcomer', 'pw-newcomer', noProgress);
      expect(words).toHaveLength(24);
      const shown = words.join(' ');
      const fingerprint = (await launch.open().whoami()).fingerprint;
      expect(fingerprintOfWords(shown)).toBe(fingerprint);
      // Ctrl-C on the words screen: the launcher closes without confirming.
      await launch.close();

      const again = new TuiLaunch({ profileDir, env });
      expect(await again.start(noProgress)).toEqual({ kind: 'recoveryWords', words });
      await again.confirmRecoveryWords();
      await again.close();

      const later = new TuiLaunch({ profileDir, env });
      expect(await later.start(noProgress)).toEqual({ kind: 'ready' });
      await later.close();
    },
  );

  it(
    'CLI: register --show-recovery-words prints the words after a failed attempt; restore uses them',
    { timeout: 180_000 },
    async () => {
      const profile = dir('cli-register');
      const register = (user: string) =>
        runQpc(
          [
            'account',
            'register',
            user,
            '--password-stdin',
            '--show-recovery-words',
            '--server',
            server.address,
            '--profile',
            profile,
          ],
          { stdin: 'pw-scripted\n' },
        );
      const refused = await register('taken');
      expect(refused.code).not.toBe(0);
      expect(refused.stdout).not.toContain('registered');
      const accepted = await register('scripted');
      expect(accepted.code, accepted.stderr).toBe(0);
      const words = /^recovery words: (.+)$/mu.exec(accepted.stdout)?.[1] ?? '';
      expect(words.split(' ')).toHaveLength(24);
      const fingerprint = /^fingerprint ([0-9a-f]{64})$/mu.exec(accepted.stdout)?.[1];
      expect(fingerprintOfWords(words)).toBe(fingerprint);

      const wordsFile = join(dir('cli-words'), 'words.txt');
      writeFileSync(wordsFile, `${words}\n`, { mode: 0o600 });
      const restoredProfile = dir('cli-restore');
      const restored = await runQpc(
        [
          'account',
          'restore',
          'scripted',
          '--words-file',
          wordsFile,
          '--password-stdin',
          '--server',
          server.address,
          '--profile',
          restoredProfile,
        ],
        { stdin: 'pw-scripted\n' },
      );
      expect(restored.code, restored.stderr).toBe(0);
      expect(restored.stdout).toContain('restored scripted');
      expect(restored.stdout).toContain(`fingerprint ${fingerprint}`);
    },
  );

  it(
    'a user restored from the 24 words is invited to a new group and reads its messages',
    { timeout: 240_000 },
    async () => {
      const old = await openClient(dir('dora-old'), server.address);
      const words = QpcEngine.createIdentity(old.store);
      await old.engine.register('dora', 'pw-dora');
      // The lost device left KeyPackages on the server (its private halves die with it).
      await old.close();

      const restored = await openClient(dir('dora-new'), server.address);
      clients.push(restored);
      QpcEngine.restoreIdentity(restored.store, words);
      await restored.engine.login('dora', 'pw-dora');

      const bob = await registeredClient(dir('bob'), server.address, 'bob');
      clients.push(bob);
      const group = await bob.engine.createGroup('after the restore');
      await bob.engine.invite(group.id, 'dora');
      await restored.waitFor(isJoined(group.id), 60_000);
      await bob.engine.send(group.id, 'welcome back, dora');
      await restored.waitFor(isMessage('welcome back, dora'), 60_000);
      await restored.engine.send(group.id, 'thanks, bob');
      await bob.waitFor(isMessage('thanks, bob'), 60_000);
    },
  );

  it('refuses a second qpc on a profile in use and takes over a lock left by a dead process', async () => {
    const busy = clients[0];
    if (busy === undefined) throw new Error('no client');
    const refused = await runQpc(['whoami', '--profile', busy.dir]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`this profile is in use by another qpc (pid ${process.pid})`);

    // The holder dies without closing (kill -9): its lock file stays, naming a pid that is gone.
    await busy.close();
    clients.splice(clients.indexOf(busy), 1);
    const lockFile = join(busy.dir, 'profile.db.lock');
    writeFileSync(lockFile, '4194304999\n');
    const taken = await runQpc(['whoami', '--profile', busy.dir]);
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toContain('taken');
    expect(existsSync(lockFile)).toBe(false);
  });
});
