/**
 * Privacy end to end over loopback QUIC with a real qpc-server process: sealed sender between three
 * members, a non-member's sealed message dropped, padding on everything sent, a changed key holding
 * sends until acknowledged, the same safety number on both sides through the CLI, and an automatic
 * self-update after N messages.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fromHex, toHex, utf8 } from '../../src/lib/bytes.js';
import { Method, type MethodId } from '../../src/protocol/index.js';
import { HYBRID_ENVELOPE_OVERHEAD } from '../../src/engine/crypto/hybridEnvelope.js';
import { fingerprintOf } from '../../src/engine/identity/index.js';
import { ServerConnection } from '../../src/engine/net/serverConnection.js';
import { isPaddingBucket } from '../../src/engine/privacy/padding.js';
import { saveTrust } from '../../src/engine/client/contactTrust.js';
import { PrivacySettingKey } from '../../src/engine/client/selfUpdateScheduler.js';
import {
  SealedSendChannel,
  SealedSettingKey,
  setSealedSenderEnabled,
} from '../../src/engine/client/sealedSender.js';
import { SEND_HELD_KEY_CHANGED, type EngineEvent } from '../../src/engine/qpcEngine.js';
import { contextOf } from './engineProbes.js';
import {
  FAST_CONNECTION,
  converged,
  isMessage,
  openClient,
  runQpc,
  waitUntil,
  withGroup,
  type GroupFixture,
  type TestClient,
} from './harness.js';

/** Every Enqueue payload and SealedSend envelope any engine in this file hands to the server. */
const sentSizes: { method: 'enqueue' | 'sealed'; size: number }[] = [];
const realRequest = ServerConnection.prototype.request;
vi.spyOn(ServerConnection.prototype, 'request').mockImplementation(function (
  this: ServerConnection,
  method: MethodId,
  body: unknown,
) {
  if (method === Method.Enqueue) {
    sentSizes.push({ method: 'enqueue', size: (body as { payload: Uint8Array }).payload.length });
  }
  if (method === Method.SealedSend) {
    sentSizes.push({ method: 'sealed', size: (body as { envelope: Uint8Array }).envelope.length });
  }
  return realRequest.call(this, method as never, body as never) as never;
});

const hasPeerKey = (client: TestClient, peer: TestClient) => (): boolean => {
  const key = contextOf(peer).identity().mls.signingPublicKey;
  return client.store.peerAccessKeys.get(toHex(key)) !== undefined;
};

describe('privacy over QUIC', () => {
  let fixture: GroupFixture;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let dave: TestClient;
  let groupId: string;

  beforeAll(async () => {
    fixture = await withGroup(['alice', 'bob', 'carol', 'dave'], 'sealed', { members: ['bob', 'carol'] });
    [alice, bob, carol, dave] = fixture.clients as [TestClient, TestClient, TestClient, TestClient];
    groupId = fixture.groupId;
    // Every member learns every other member's access key inside MLS.
    for (const [holder, peer] of [
      [alice, bob],
      [alice, carol],
      [bob, alice],
      [bob, carol],
      [carol, alice],
      [carol, bob],
    ] as const) {
      await waitUntil(hasPeerKey(holder, peer));
    }
  }, 120_000);

  afterAll(async () => {
    // alice and carol are reopened by a test: the current ones are closed here, the fixture the rest.
    await Promise.all([alice, carol].map((client) => client?.close()));
    await fixture?.close();
    vi.restoreAllMocks();
  });

  it('delivers sealed messages and shows the sender from MLS', async () => {
    const sealedBefore = sentSizes.filter((entry) => entry.method === 'sealed').length;
    await alice.engine.send(groupId, 'sealed hello from alice');
    await alice.engine.flushOutbox();
    const atBob = await bob.waitFor(isMessage('sealed hello from alice'));
    const atCarol = await carol.waitFor(isMessage('sealed hello from alice'));
    expect(atBob.message.sender.username).toBe('alice');
    expect(atCarol.message.sender.username).toBe('alice');
    await bob.engine.send(groupId, 'sealed reply from bob');
    await bob.engine.flushOutbox();
    expect((await alice.waitFor(isMessage('sealed reply from bob'))).message.sender.username).toBe('bob');
    // Two recipients each for two messages went by SealedSend.
    expect(
      sentSizes.filter((entry) => entry.method === 'sealed').length - sealedBefore,
    ).toBeGreaterThanOrEqual(4);
  }, 60_000);

  it('sends by Enqueue only when sealed sender is off (--no-sealed-sender)', async () => {
    setSealedSenderEnabled(contextOf(carol), false);
    const sealedBefore = sentSizes.filter((entry) => entry.method === 'sealed').length;
    await carol.engine.send(groupId, 'plain from carol');
    await carol.engine.flushOutbox();
    expect((await bob.waitFor(isMessage('plain from carol'))).message.sender.username).toBe('carol');
    expect(sentSizes.filter((entry) => entry.method === 'sealed').length).toBe(sealedBefore);
    setSealedSenderEnabled(contextOf(carol), true);
  }, 60_000);

  it('never shows a sealed message from someone who is not a member', async () => {
    const context = contextOf(dave);
    const solo = await dave.engine.createGroup('solo');
    const mls = await (
      await context.groups.session(solo.id)
    ).sendMessage(utf8('intruder'), { record: false });
    // Dave got hold of Bob's access key (a leak): the server accepts, Bob's client must not show it.
    const leakedKey = fromHex(bob.store.settings.get(SealedSettingKey.accessKey)!);
    const bobKey = contextOf(bob).identity().mls.signingPublicKey;
    const channel = new SealedSendChannel(context, FAST_CONNECTION);
    const heldBefore = bob.store.heldIncoming.count();
    await channel.send(bobKey, leakedKey, mls);
    await channel.close();
    await bob.engine.sync();
    // Opened (the envelope and padding were fine), then set aside: Bob is in no group of Dave's, and a
    // message for a group not joined yet waits (bounded) for a Welcome that never comes.
    await waitUntil(() => bob.store.heldIncoming.count() > heldBefore);
    expect(bob.store.heldIncoming.list().at(-1)).toMatchObject({
      groupId: solo.id,
      code: 'CLIENT_UNKNOWN_GROUP',
    });
    expect(
      bob.events.some(
        (event: EngineEvent) => event.type === 'messageReceived' && event.message.text === 'intruder',
      ),
    ).toBe(false);
  }, 60_000);

  it('pads every payload it hands to the server', () => {
    expect(sentSizes.length).toBeGreaterThan(0);
    for (const entry of sentSizes) {
      const padded = entry.method === 'sealed' ? entry.size - HYBRID_ENVELOPE_OVERHEAD : entry.size;
      expect(isPaddingBucket(padded), `${entry.method} of ${entry.size} bytes`).toBe(true);
    }
  });

  it('holds sending after a verified contact key changed, until acknowledged', async () => {
    await bob.engine.connect();
    expect(await bob.engine.verifyContact('alice')).toBe('verified');
    const aliceMember = (await bob.engine.listMembers(groupId)).find((m) => m.username === 'alice');
    expect(aliceMember?.verification).toBe('verified');
    // Bob had verified another key for "alice": the one now in the group is a change.
    const oldKey = '11'.repeat(32);
    saveTrust(bob.store, {
      username: 'alice',
      identityKey: oldKey,
      lastSeenKey: oldKey,
      verifiedFingerprint: fingerprintOf(fromHex(oldKey)).hex,
      verifiedAt: 1,
      acknowledged: true,
    });
    const held = await bob.engine.send(groupId, 'must wait').then(
      () => undefined,
      (error: { code?: string; message?: string; hint?: string }) => error,
    );
    expect(held?.code).toBe(SEND_HELD_KEY_CHANGED);
    expect(held?.message).toContain('alice');
    expect(held?.hint).toContain('qpc verify alice --acknowledge');
    const changed = (await bob.engine.listMembers(groupId)).find((m) => m.username === 'alice');
    expect(changed?.verification).toBe('changed');
    await bob.engine.acknowledgeKeyChange('alice');
    await bob.engine.send(groupId, 'after acknowledge');
    await bob.engine.flushOutbox();
    await alice.waitFor(isMessage('after acknowledge'));
  }, 60_000);

  it('computes the same safety number on both sides through the CLI', async () => {
    // One profile, one process: the in-process engines let go of the profiles while the CLI runs.
    await Promise.all([alice.close(), carol.close()]);
    const [fromAlice, fromBob] = await Promise.all([
      runQpc(['safety-number', 'carol', '--json', '--profile', alice.dir]),
      runQpc(['safety-number', 'alice', '--json', '--profile', carol.dir]),
    ]);
    const reopen = async (client: TestClient): Promise<TestClient> => {
      const reopened = await openClient(client.dir, fixture.server.address);
      await reopened.engine.connect();
      return reopened;
    };
    [alice, carol] = await Promise.all([reopen(alice), reopen(carol)]);
    expect(fromAlice.stderr).toBe('');
    expect(fromAlice.code).toBe(0);
    expect(fromBob.code).toBe(0);
    const a = JSON.parse(fromAlice.stdout) as { groups: string[] };
    const b = JSON.parse(fromBob.stdout) as { groups: string[] };
    expect(a.groups).toHaveLength(12);
    for (const group of a.groups) expect(group).toMatch(/^\d{5}$/u);
    expect(a.groups).toEqual(b.groups);
  }, 60_000);

  it('self-updates by itself after N sent messages and the epoch advances everywhere', async () => {
    carol.store.settings.set(PrivacySettingKey.selfUpdateMaxMessages, '3');
    await carol.engine.selfUpdate(groupId); // start counting from a fresh leaf
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));
    const epochOf = (client: TestClient) =>
      client.engine.listGroups().find((group) => group.id === groupId)!.epoch;
    const start = epochOf(carol);
    for (const text of ['one', 'two']) {
      await carol.engine.send(groupId, text);
      await carol.engine.flushOutbox();
    }
    expect(epochOf(carol)).toBe(start);
    await carol.engine.send(groupId, 'three');
    await carol.engine.flushOutbox();
    expect(epochOf(carol)).toBe(start + 1n);
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));
    expect(epochOf(alice)).toBe(start + 1n);
  }, 60_000);
});
