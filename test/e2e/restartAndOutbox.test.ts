/**
 * In-process engines against qpc-server in its own process: push delivery, an offline member catching
 * up, the server killed with SIGKILL and restarted mid-conversation (nothing acknowledged is lost), and
 * a message written while the server is down leaving the outbox exactly once after the reconnect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  type RunningServer,
  type TestClient,
} from './harness.js';

const isOnline = (event: EngineEvent): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
  event.type === 'connectionChanged' && event.connection.status === 'online';
const isOffline = (event: EngineEvent): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
  event.type === 'connectionChanged' && event.connection.status === 'offline';

/** The chat messages stored for a group (membership entries are checked in membershipTimeline.test.ts). */
function textsOf(client: TestClient, groupId: string): string[] {
  return client.store.messages
    .list(groupId)
    .filter((message) => message.kind !== 'membership')
    .map((message) => message.text);
}

describe('engine over QUIC: offline catch-up, SIGKILL restart, outbox', () => {
  const dirs: string[] = [];
  let dataDir: string;
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient | undefined;
  let groupId: string;

  beforeAll(async () => {
    dataDir = tempDir('server');
    dirs.push(dataDir);
    server = await startServer(dataDir);
    const [a, b, c] = ['alice', 'bob', 'carol'].map((name) => {
      const dir = tempDir(name);
      dirs.push(dir);
      return dir;
    });
    [alice, bob, carol] = await Promise.all([
      registeredClient(a ?? '', server.address, 'alice'),
      registeredClient(b ?? '', server.address, 'bob'),
      registeredClient(c ?? '', server.address, 'carol'),
    ]);
  }, 120_000);

  afterAll(async () => {
    for (const client of [alice, bob, carol]) await client?.close();
    await server.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it('forms a group of three with Welcomes pushed to online members', { timeout: 120_000 }, async () => {
    groupId = (await alice.engine.createGroup('ops')).id;
    await alice.engine.invite('ops', 'bob');
    await bob.waitFor(isJoined(groupId));
    await alice.engine.invite('ops', 'carol');
    await carol?.waitFor(isJoined(groupId));
    // bob applies the commit that added carol (pushed), so all three share the epoch.
    await bob.waitFor(
      (event): event is Extract<EngineEvent, { type: 'membersChanged' }> =>
        event.type === 'membersChanged' && event.groupId === groupId && event.members.length === 3,
    );
    await alice.engine.send('ops', 'first');
    await Promise.all([bob.waitFor(isMessage('first')), carol?.waitFor(isMessage('first'))]);
    await bob.engine.send('ops', 'reply');
    await alice.waitFor(isMessage('reply'));
  });

  it(
    'loses nothing acknowledged when the server is killed, and flushes the outbox once',
    { timeout: 180_000 },
    async () => {
      // carol goes offline; the others keep talking.
      const carolDir = carol?.dir ?? '';
      await carol?.close();
      carol = undefined;

      await alice.engine.send('ops', 'while carol is away');
      // Acknowledged: the server answered Enqueue ok, so the message is durable there.
      expect((await alice.engine.flushOutbox()).pending).toBe(0);
      await bob.waitFor(isMessage('while carol is away'));

      const killedAt = alice.events.length;
      expect(await server.kill('SIGKILL')).toBe('SIGKILL');
      await alice.waitFor(
        (event): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
          isOffline(event) && alice.events.indexOf(event) >= killedAt,
      );

      // Written while the server is down: it waits in bob's persisted outbox.
      const offline = await bob.engine.send('ops', 'written offline');
      expect(await bob.engine.outboxSize()).toBe(1);

      const onlineMark = { alice: alice.events.length, bob: bob.events.length };
      server = await startServer(dataDir, server.port);
      // Both reconnect by themselves (backoff), reopen their sessions, catch up and flush the outbox.
      await alice.waitFor(
        (event): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
          isOnline(event) && alice.events.indexOf(event) >= onlineMark.alice,
      );
      await bob.waitFor(
        (event): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
          isOnline(event) && bob.events.indexOf(event) >= onlineMark.bob,
      );
      await alice.waitFor(isMessage('written offline'));
      // The outbox entry goes once the server's answer reached bob (alice may see the push first).
      await bob.waitFor(
        (event): event is Extract<EngineEvent, { type: 'deliveryStateChanged' }> =>
          event.type === 'deliveryStateChanged' && event.messageId === offline.id && event.state === 'sent',
      );
      expect(await bob.engine.outboxSize()).toBe(0);

      await alice.engine.send('ops', 'after the restart');
      await bob.waitFor(isMessage('after the restart'));

      // carol comes back and catches up from her queue: every message once, in order.
      carol = await openClient(carolDir, server.address);
      await carol.engine.connect();
      expect(textsOf(carol, groupId)).toEqual([
        'first',
        'reply',
        'while carol is away',
        'written offline',
        'after the restart',
      ]);
      // Each message exactly once at alice too (her own are stored as outgoing).
      expect(textsOf(alice, groupId).filter((text) => text === 'written offline')).toHaveLength(1);
    },
  );
});
