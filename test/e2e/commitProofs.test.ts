/**
 * Commits and Welcomes keep their delivery proofs: alice's invites are accepted by the real qpc-server,
 * which signs a proof for each copy (the Welcome to the new member, the commit to the members already
 * there); her engine keeps them under the membership entry the change wrote, so `qpc proof verify` with
 * the id `qpc history --json` shows for that entry checks them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  isJoined,
  registeredClient,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  type RunningServer,
  type TestClient,
} from './harness.js';

describe('delivery proofs of commits and Welcomes', () => {
  const dirs: string[] = [];
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;

  beforeAll(async () => {
    const dataDir = tempDir('server');
    const [a, b, c] = [tempDir('alice'), tempDir('bob'), tempDir('carol')];
    dirs.push(dataDir, a, b, c);
    server = await startServer(dataDir);
    [alice, bob, carol] = await Promise.all([
      registeredClient(a, server.address, 'alice'),
      registeredClient(b, server.address, 'bob'),
      registeredClient(c, server.address, 'carol'),
    ]);
  }, 120_000);

  afterAll(async () => {
    const started: (TestClient | undefined)[] = [alice, bob, carol];
    await Promise.allSettled(started.map((client) => client?.close() ?? Promise.resolve()));
    await (server as RunningServer | undefined)?.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it(
    'proves the Welcome and the commit of an invite, under its membership entry',
    { timeout: 240_000 },
    async () => {
      const groupId = (await alice.engine.createGroup('proven changes')).id;
      await alice.engine.invite(groupId, 'bob');
      await bob.waitFor(isJoined(groupId));
      await alice.engine.invite(groupId, 'carol');
      await carol.waitFor(isJoined(groupId));

      const page = await alice.engine.loadMessages(groupId, { limit: 20 });
      const added = page.messages.filter((message) => message.membership?.event === 'added');
      expect(added.map((message) => message.membership?.subjects)).toEqual([['bob'], ['carol']]);
      const [bobAdded, carolAdded] = added;

      // Bob's invite: only a Welcome went out (alice was alone).
      const first = await alice.engine.deliveryProofs(bobAdded?.id ?? '', { refresh: true });
      expect(first.map((proof) => [proof.recipient, proof.check])).toEqual([['bob', 'valid']]);
      // Carol's: the commit to bob and the Welcome to carol.
      const second = await alice.engine.deliveryProofs(carolAdded?.id ?? '', { refresh: true });
      expect(second.map((proof) => [proof.recipient, proof.check]).sort()).toEqual([
        ['bob', 'valid'],
        ['carol', 'valid'],
      ]);
      expect(second.every((proof) => proof.serverName === 'localhost')).toBe(true);
      await alice.close();

      const history = await runQpc(['history', 'proven changes', '--json', '--profile', alice.dir]);
      expect(history.code).toBe(0);
      expect(history.stdout).toContain(carolAdded?.id ?? '?');
      const verified = await runQpc(['proof', 'verify', carolAdded?.id ?? '', '--profile', alice.dir]);
      expect(verified.stderr).toBe('');
      expect(verified.code).toBe(0);
      expect(verified.stdout).toMatch(/✓ bob: #\d+ in its queue on localhost/u);
      expect(verified.stdout).toMatch(/✓ carol: #\d+ in its queue on localhost/u);
    },
  );
});
