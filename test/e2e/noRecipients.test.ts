/**
 * A message in a group with no other member goes nowhere: the engine says so ('noRecipients', drawn
 * `○ no recipients`) instead of the `↑` of a message the server took without a proof, live and when the
 * history is read back, also after someone joined and was removed again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  converged,
  isJoined,
  isMessage,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  waitUntil,
  type RunningServer,
  type TestClient,
} from './harness.js';

function isDelivery(messageId: string) {
  return (event: EngineEvent): event is Extract<EngineEvent, { type: 'deliveryStateChanged' }> =>
    event.type === 'deliveryStateChanged' && event.messageId === messageId;
}

describe('a message nobody else can receive', () => {
  const dirs: string[] = [];
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    const [dataDir, a, b] = [tempDir('server'), tempDir('alice'), tempDir('bob')];
    dirs.push(dataDir, a, b);
    server = await startServer(dataDir);
    [alice, bob] = await Promise.all([
      registeredClient(a, server.address, 'alice'),
      registeredClient(b, server.address, 'bob'),
    ]);
  }, 120_000);

  afterAll(async () => {
    const started: (TestClient | undefined)[] = [alice, bob];
    await Promise.allSettled(started.map((client) => client?.close() ?? Promise.resolve()));
    await (server as RunningServer | undefined)?.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it(
    'is marked noRecipients, live and in the history, unlike one sent to a member',
    { timeout: 180_000 },
    async () => {
      const groupId = (await alice.engine.createGroup('solo')).id;
      const alone = await alice.engine.send('solo', 'just me');
      expect((await alice.waitFor(isDelivery(alone.id))).state).toBe('noRecipients');

      await alice.engine.invite('solo', 'bob');
      await bob.waitFor(isJoined(groupId));
      const shared = await alice.engine.send('solo', 'with bob');
      await bob.waitFor(isMessage('with bob'));
      expect((await alice.waitFor(isDelivery(shared.id))).state).toBe('sent');

      await alice.engine.kick('solo', 'bob');
      await waitUntil(() => converged([alice], groupId, 1));
      const again = await alice.engine.send('solo', 'alone again');
      expect((await alice.waitFor(isDelivery(again.id))).state).toBe('noRecipients');

      const page = await alice.engine.loadMessages('solo', { limit: 50 });
      const states = page.messages
        .filter((message) => message.membership === undefined)
        .map((message) => [message.text, message.state]);
      expect(states).toEqual([
        ['just me', 'noRecipients'],
        ['with bob', 'sent'],
        ['alone again', 'noRecipients'],
      ]);
    },
  );
});
