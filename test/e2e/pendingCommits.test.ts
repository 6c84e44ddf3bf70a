/**
 * Stage, send, then merge, proven from outside: a committer "killed" (its engine and store closed and
 * reopened from disk) between staging and sending, and between the server's acceptance and the merge;
 * the server SIGKILLed after storing a commit and before the committer read the answer, down while the
 * committer keeps trying, then restarted; an inviter killed before and after its invite's commit was
 * accepted. Each time every member ends in one epoch and they keep talking; the invitee joins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetworkError } from '../../src/lib/errors.js';
import type { CommitHooks, EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  converged,
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  waitUntil,
  type RunningServer,
  type TestClient,
} from './harness.js';

class SimulatedCrash extends Error {}

const isOffline = (event: EngineEvent): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
  event.type === 'connectionChanged' && event.connection.status === 'offline';

describe('pending commits survive crashes of the committer and of the server', () => {
  const dirs: string[] = [];
  let dataDir: string;
  let server: RunningServer;
  const hooks: CommitHooks = {};
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let dave: TestClient;
  let erin: TestClient;
  let groupId: string;
  let said = 0;

  function dir(name: string): string {
    const made = tempDir(name);
    dirs.push(made);
    return made;
  }

  /** Closes alice's engine and store at the point of the "crash" and opens them again from disk. */
  async function restartAlice(): Promise<void> {
    const aliceDir = alice.dir;
    await alice.close();
    alice = await openClient(aliceDir, server.address, { commitHooks: hooks });
    await alice.engine.connect();
  }

  /** Everyone at one epoch with `members` members, and a message each way reaches the others. */
  async function expectConvergedAndTalking(members: TestClient[]): Promise<void> {
    await waitUntil(() => converged(members, groupId, members.length));
    for (const speaker of [members[0], members[members.length - 1]]) {
      if (speaker === undefined) continue;
      said += 1;
      const text = `check ${said}`;
      await speaker.engine.send(groupId, text);
      await Promise.all(members.filter((m) => m !== speaker).map((m) => m.waitFor(isMessage(text))));
    }
  }

  function epochOf(client: TestClient): bigint | undefined {
    return client.engine.listGroups().find((group) => group.id === groupId)?.epoch;
  }

  beforeAll(async () => {
    dataDir = dir('server');
    server = await startServer(dataDir);
    [alice, bob, carol, dave, erin] = await Promise.all([
      registeredClient(dir('alice'), server.address, 'alice', { commitHooks: hooks }),
      registeredClient(dir('bob'), server.address, 'bob'),
      registeredClient(dir('carol'), server.address, 'carol'),
      registeredClient(dir('dave'), server.address, 'dave'),
      registeredClient(dir('erin'), server.address, 'erin'),
    ]);
    groupId = (await alice.engine.createGroup('crashes')).id;
    await alice.engine.invite(groupId, 'bob');
    await bob.waitFor(isJoined(groupId));
    await alice.engine.invite(groupId, 'carol');
    await carol.waitFor(isJoined(groupId));
    await expectConvergedAndTalking([alice, bob, carol]);
  }, 180_000);

  afterAll(async () => {
    for (const client of [alice, bob, carol, dave, erin]) await client?.close();
    await server?.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it(
    'killed between staging and sending: the restart sends the kept commit',
    { timeout: 120_000 },
    async () => {
      const before = epochOf(bob);
      hooks.afterStaged = () => {
        throw new SimulatedCrash('killed after staging');
      };
      await expect(alice.engine.selfUpdate(groupId)).rejects.toBeInstanceOf(SimulatedCrash);
      delete hooks.afterStaged;
      // Nothing merged: alice's stored epoch is still the group's.
      expect(alice.store.groups.get(groupId)?.epoch).toBe(before);
      expect(alice.store.pendingCommits.get(groupId)?.stage).toBe('commit');
      await restartAlice();
      expect(alice.store.pendingCommits.get(groupId)).toBeUndefined();
      expect(epochOf(alice)).toBe((before ?? 0n) + 1n);
      await expectConvergedAndTalking([alice, bob, carol]);
    },
  );

  it(
    'killed between acceptance and merge: the resend is answered from the receipt',
    { timeout: 120_000 },
    async () => {
      const before = epochOf(bob) ?? 0n;
      hooks.afterAccepted = () => {
        throw new SimulatedCrash('killed after the server accepted');
      };
      await expect(alice.engine.selfUpdate(groupId)).rejects.toBeInstanceOf(SimulatedCrash);
      delete hooks.afterAccepted;
      expect(alice.store.groups.get(groupId)?.epoch).toBe(before);
      // bob and carol already applied the commit the server accepted.
      await waitUntil(() => epochOf(bob) === before + 1n && epochOf(carol) === before + 1n);
      // bob speaks in the new epoch before alice is back: it waits for her commit to be merged.
      await bob.engine.send(groupId, 'while alice was down');
      await restartAlice();
      await alice.waitFor(isMessage('while alice was down'));
      expect(epochOf(alice)).toBe(before + 1n);
      await expectConvergedAndTalking([alice, bob, carol]);
    },
  );

  it(
    'server killed after storing the commit, before the answer; down, then restarted: converges',
    { timeout: 180_000 },
    async () => {
      const before = epochOf(bob) ?? 0n;
      hooks.afterAccepted = async () => {
        delete hooks.afterAccepted;
        await server.kill('SIGKILL');
        throw new NetworkError('SIMULATED_ANSWER_LOST', 'the server died before answering');
      };
      const offlineMark = alice.events.length;
      await expect(alice.engine.selfUpdate(groupId)).rejects.toMatchObject({ code: 'COMMIT_PENDING' });
      expect(alice.store.pendingCommits.get(groupId)?.stage).toBe('commit');
      // Down for a while: alice notices, and keeps trying to reconnect (several failed attempts).
      await alice.waitFor(
        (event): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
          isOffline(event) && alice.events.indexOf(event) >= offlineMark,
      );
      await waitUntil(
        () =>
          alice.events
            .slice(offlineMark)
            .filter((event) => event.type === 'connectionChanged' && event.connection.status === 'connecting')
            .length >= 3,
        60_000,
      );
      expect(alice.store.groups.get(groupId)?.epoch).toBe(before);
      server = await startServer(dataDir, server.port);
      await waitUntil(() => alice.store.pendingCommits.get(groupId) === undefined, 60_000);
      expect(epochOf(alice)).toBe(before + 1n);
      await expectConvergedAndTalking([alice, bob, carol]);
    },
  );

  it(
    'inviter killed before its invite commit was accepted: the invitee joins',
    { timeout: 120_000 },
    async () => {
      hooks.afterStaged = () => {
        throw new SimulatedCrash('killed after staging the invite');
      };
      await expect(alice.engine.invite(groupId, 'dave')).rejects.toBeInstanceOf(SimulatedCrash);
      delete hooks.afterStaged;
      expect(alice.store.pendingCommits.get(groupId)?.welcomePayload).toBeDefined();
      await restartAlice();
      await dave.waitFor(isJoined(groupId));
      await expectConvergedAndTalking([alice, bob, carol, dave]);
    },
  );

  it(
    'inviter killed after its invite commit was accepted: the Welcome still goes',
    { timeout: 120_000 },
    async () => {
      hooks.afterAccepted = () => {
        throw new SimulatedCrash('killed after the invite was accepted');
      };
      await expect(alice.engine.invite(groupId, 'erin')).rejects.toBeInstanceOf(SimulatedCrash);
      delete hooks.afterAccepted;
      await restartAlice();
      await erin.waitFor(isJoined(groupId));
      await expectConvergedAndTalking([alice, bob, carol, dave, erin]);
    },
  );
});
