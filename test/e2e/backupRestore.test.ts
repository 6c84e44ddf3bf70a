/**
 * The encrypted backup over real QUIC, OPAQUE, SQLCipher and MLS: alice talks with bob in a group and
 * verifies him, exports a backup, and a fresh profile imports it with her 24 words (`qpc backup import`),
 * logs in, and has bob as a verified contact and the group's history; re-invited by bob, the same group
 * shows the old history. A wrong phrase and a flipped byte are refused by the real
 * qpc with their codes and leave the fresh profile without even an identity.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { generateIdentityMnemonic } from '../../src/engine/identity/index.js';
import {
  FAST_CONNECTION,
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  type RunningServer,
  type TestClient,
} from './harness.js';

/** A loaded machine (OPAQUE's argon2id on 2 shared cores) can take longer than the usual 15 s. */
const PATIENT = {
  connection: {
    ...FAST_CONNECTION,
    requestTimeoutMs: 90_000,
    maxIdleTimeoutMs: 30_000,
    keepAliveIntervalMs: 5_000,
  },
};

/** Runs one step of a scenario; a failure names the step it happened in. */
async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
  }
}

describe('encrypted backup: export, then import on a fresh profile', () => {
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
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it(
    'restores contacts, trust and history; the re-joined group shows the old history',
    { timeout: 300_000 },
    async () => {
      const alice = await openClient(dir('alice'), server.address, PATIENT);
      const words = QpcEngine.createIdentity(alice.store);
      await step('register alice', () => alice.engine.register('alice', 'pw-alice'));
      const bob = await registeredClient(dir('bob'), server.address, 'bob', PATIENT);
      clients.push(bob);
      const group = await step('create group', () => alice.engine.createGroup('friends'));
      await step('invite bob', () => alice.engine.invite(group.id, 'bob'));
      await bob.waitFor(isJoined(group.id), 60_000);
      await alice.engine.send(group.id, 'hello bob');
      await bob.waitFor(isMessage('hello bob'), 60_000);
      await bob.engine.send(group.id, 'hello alice');
      await alice.waitFor(isMessage('hello alice'), 60_000);
      await step('verify bob', () => alice.engine.verifyContact('bob'));
      const history = (await alice.engine.loadMessages(group.id, { limit: 100 })).messages.map((m) => m.text);
      expect(history).toEqual(expect.arrayContaining(['hello bob', 'hello alice']));

      const backupDir = dir('backup');
      const file = join(backupDir, 'alice.qpcbackup');
      const summary = await alice.engine.exportBackup(file);
      expect(summary.messages).toBeGreaterThanOrEqual(2);
      await alice.close();

      const wordsFile = join(backupDir, 'words.txt');
      writeFileSync(wordsFile, `${words}\n`, { mode: 0o600 });
      const fresh = dir('alice-new');
      const imported = await runQpc([
        'backup',
        'import',
        file,
        '--words-file',
        wordsFile,
        '--profile',
        fresh,
        '--server',
        server.address,
      ]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toMatch(/imported 1 contacts, \d+ settings, \d+ messages/u);
      expect(imported.stdout).toContain('qpc account login alice');
      const login = await runQpc(['account', 'login', 'alice', '--password-stdin', '--profile', fresh], {
        stdin: 'pw-alice\n',
      });
      expect(login.code, login.stderr).toBe(0);

      const restored = await openClient(fresh, server.address, PATIENT);
      clients.push(restored);
      await step('restored connect', () => restored.engine.connect());
      expect((await step('safety number', () => restored.engine.safetyNumber('bob'))).verification).toBe(
        'verified',
      );
      const texts = (await restored.engine.inboxAfter(0, 100)).map((item) => item.message.text);
      expect(texts).toContain('hello alice');

      // MLS states were not restored: bob removes the old leaf and invites alice again, same group id.
      await step('kick the old alice', () => bob.engine.kick(group.id, 'alice'));
      await step('invite alice again', () => bob.engine.invite(group.id, 'alice'));
      await restored.waitFor(isJoined(group.id), 60_000);
      const after = (await restored.engine.loadMessages(group.id, { limit: 100 })).messages.map(
        (m) => m.text,
      );
      expect(after).toEqual(expect.arrayContaining(['hello bob', 'hello alice']));
    },
  );

  it('refuses a wrong phrase and a flipped byte, importing nothing', { timeout: 180_000 }, async () => {
    const carol = await registeredClient(dir('carol'), server.address, 'carol', PATIENT);
    const file = join(dir('carol-backup'), 'carol.qpcbackup');
    await carol.engine.exportBackup(file);
    await carol.close();

    const wrongWords = join(dir('wrong'), 'words.txt');
    writeFileSync(wrongWords, generateIdentityMnemonic(24), { mode: 0o600 });
    const fresh = dir('carol-new');
    const wrong = await runQpc(['backup', 'import', file, '--words-file', wrongWords, '--profile', fresh]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('do not open this backup');

    // carol's own words, from the profile she kept them in, on stdin.
    const reopened = await openClient(carol.dir, server.address, PATIENT);
    const words = reopened.store.settings.get('identity.recovery_words') ?? '';
    await reopened.close();
    const bytes = readFileSync(file);
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)] = (flipped[Math.floor(bytes.length / 2)] ?? 0) ^ 0x40;
    const flippedFile = `${file}.flipped`;
    writeFileSync(flippedFile, flipped);
    const tampered = await runQpc(['backup', 'import', flippedFile, '--words-stdin', '--profile', fresh], {
      stdin: words,
    });
    expect(tampered.code).not.toBe(0);
    expect(tampered.stderr).toContain('changed or damaged');

    const untouched = await openClient(fresh, server.address, PATIENT);
    expect(untouched.store.identity.load()).toBeUndefined();
    expect(untouched.store.messages.count()).toBe(0);
    await untouched.close();
  });
});
