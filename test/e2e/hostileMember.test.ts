/**
 * A member labels a commit with an epoch far in the future (2^62, then the next-but-one epoch). The
 * server takes only the epoch right after the newest accepted one, so the honest members still invite,
 * kick the hostile member and update their keys. On a server that accepted any higher epoch, every
 * later commit of the group got COMMIT_CONFLICT and the hostile member could never be removed.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/lib/bytes.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { Method, WireErrorCode } from '../../src/protocol/index.js';
import {
  makeDataDir,
  removeDataDir,
  startServerProcess,
  type ServerProcess,
} from '../server/serverProcess.js';
import { logIn, newClientMessageId, WireClient } from '../server/wireClient.js';
import {
  converged,
  isJoined,
  isMessage,
  registeredClient,
  removeDir,
  tempDir,
  waitUntil,
  type TestClient,
} from './harness.js';

describe('a hostile member sending out-of-range epochs', () => {
  const dirs: string[] = [];
  let server: ServerProcess;
  const clients: TestClient[] = [];
  let wire: WireClient | undefined;

  beforeAll(async () => {
    const data = makeDataDir();
    // Four engines share 127.0.0.1: lift the per-IP limit so this test is about epochs, not rates.
    server = await startServerProcess(data, [], { QPC_RATE_LIMIT_PER_IP: '1000' });
    const address = `127.0.0.1:${server.port}`;
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      const dir = tempDir(name);
      dirs.push(dir);
      clients.push(await registeredClient(dir, address, name));
    }
  }, 180_000);

  afterAll(async () => {
    await wire?.close();
    for (const client of clients) await client.close();
    await server.kill('SIGTERM');
    removeDataDir(server.dataDir);
    for (const dir of dirs) removeDir(dir);
  });

  it('keeps inviting, kicking and updating after a huge epoch', { timeout: 240_000 }, async () => {
    const [alice, bob, carol, dave] = clients;
    if (!alice || !bob || !carol || !dave) throw new Error('clients missing');
    const groupId = (await alice.engine.createGroup('held')).id;
    await alice.engine.invite(groupId, 'bob');
    await bob.waitFor(isJoined(groupId));
    await alice.engine.invite(groupId, 'carol'); // the first commit the server sees: it anchors the group
    await carol.waitFor(isJoined(groupId));
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));

    // bob, a member, speaks the wire directly with his own account and labels garbage as commits.
    wire = await WireClient.connect(server.port, server.certSha256);
    await logIn(wire, 'bob', 'pw-bob');
    const keys = await Promise.all(
      ['alice', 'carol'].map(
        async (name) =>
          (await wire!.ok(Method.LookupUser, { query: { case: 'username', value: name } })).identityPublicKey,
      ),
    );
    const epoch = bob.engine.listGroups().find((group) => group.id === groupId)?.epoch ?? 0n;
    for (const label of [2n ** 62n, 2n ** 63n - 1n, epoch + 1n]) {
      const refused = await wire.call(Method.Enqueue, {
        recipientIdentityKeys: keys,
        payload: new Uint8Array(randomBytes(200)),
        groupId: fromHex(groupId),
        epoch: label,
        clientMessageId: newClientMessageId(),
      });
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error.code).toBe(WireErrorCode.CommitConflict);
      expect(!refused.ok && refused.error.message).toContain(`epoch ${epoch}`);
    }

    // The group goes on: an invite, the hostile member's removal, a key update, messages.
    await alice.engine.invite(groupId, 'dave');
    await dave.waitFor(isJoined(groupId));
    await alice.engine.kick(groupId, 'bob');
    await bob.waitFor(
      (event): event is Extract<EngineEvent, { type: 'groupRemoved' }> =>
        event.type === 'groupRemoved' && event.groupId === groupId,
    );
    await waitUntil(() => converged([alice, carol, dave], groupId, 3));
    await carol.engine.selfUpdate(groupId);
    await waitUntil(() => converged([alice, carol, dave], groupId, 3));
    await dave.engine.send(groupId, 'still here');
    await Promise.all([alice, carol].map((client) => client.waitFor(isMessage('still here'))));
  });
});
