/**
 * Key rotation end to end over loopback QUIC with a real qpc-server process: access keys rotate when a
 * member is removed (the removed member's sealed send is then refused by the server, while the remaining
 * members keep sending sealed), and the hybrid key rotates with a grace period in which a Welcome sealed
 * to the previous key still opens, and after which it does not.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { constantTimeEqual, toHex, utf8 } from '../../src/lib/bytes.js';
import { QpcError } from '../../src/lib/errors.js';
import { Method, WireErrorCode, type MethodId } from '../../src/protocol/index.js';
import { ServerConnection } from '../../src/engine/net/serverConnection.js';
import { SealedSendChannel, SealedSettingKey } from '../../src/engine/client/sealedSender.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { contextOf, identityKeyOf } from './engineProbes.js';
import {
  FAST_CONNECTION,
  isJoined,
  isMessage,
  waitUntil,
  withGroup,
  type GroupFixture,
  type TestClient,
} from './harness.js';

/** Directory answers to replay for a username, as a sender that looked the user up before a rotation. */
const staleLookups = new Map<string, unknown>();
let staleServed = 0;
const realRequest = ServerConnection.prototype.request;
vi.spyOn(ServerConnection.prototype, 'request').mockImplementation(function (
  this: ServerConnection,
  method: MethodId,
  body: unknown,
) {
  if (method === Method.LookupUser) {
    const query = (body as { query: { case: string; value: unknown } }).query;
    const stale = query.case === 'username' ? staleLookups.get(query.value as string) : undefined;
    if (stale !== undefined) {
      staleServed += 1;
      return Promise.resolve(stale) as never;
    }
  }
  return realRequest.call(this, method as never, body as never) as never;
});

const ownAccessKeyHex = (client: TestClient): string | undefined =>
  client.store.settings.get(SealedSettingKey.accessKey);

/** What `holder` learned as `peer`'s access key, hex. */
const learnedKeyHex = (holder: TestClient, peer: TestClient): string | undefined => {
  const key = holder.store.peerAccessKeys.get(toHex(identityKeyOf(peer)));
  return key === undefined ? undefined : toHex(key);
};

const DAY_MS = 24 * 60 * 60 * 1000;

describe('key rotation over QUIC', () => {
  let fixture: GroupFixture;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let dave: TestClient;
  /** Dave's clock runs ahead by this much, to step over his grace period without waiting. */
  let daveOffset = 0;
  let groupId: string;

  beforeAll(async () => {
    fixture = await withGroup(['alice', 'bob', 'carol', 'dave'], 'rotating', {
      members: ['bob', 'carol'],
      // One at a time: four registrations at once (argon2id, KeyPackages) stall this process's event
      // loop long enough on a loaded machine for the short test idle timeout to cut a connection.
      sequential: true,
      // Four clients share one address, and this file sends sealed messages by hand (no outbox retry):
      // rate limits are not what it tests, so they must not refuse its calls on a loaded machine.
      serverArgs: ['--rate-limit-per-ip', '1000000'],
      engine: (name) => (name === 'dave' ? { clock: { now: () => Date.now() + daveOffset } } : {}),
    });
    [alice, bob, carol, dave] = fixture.clients as [TestClient, TestClient, TestClient, TestClient];
    groupId = fixture.groupId;
    for (const [holder, peer] of [
      [alice, bob],
      [bob, alice],
      [carol, bob],
    ] as const) {
      await waitUntil(() => learnedKeyHex(holder, peer) === ownAccessKeyHex(peer));
    }
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
    vi.restoreAllMocks();
  });

  it("refuses a removed member's sealed send once the access keys rotated", async () => {
    const carolChannel = new SealedSendChannel(contextOf(carol), FAST_CONNECTION);
    const bobKeyAtCarol = carol.store.peerAccessKeys.get(toHex(identityKeyOf(bob)))!;
    // Before the removal the key Carol learned works: a real group message, sealed, reaches Bob.
    const session = await contextOf(carol).groups.session(groupId);
    const before = await session.sendMessage(utf8('sealed by carol before removal'), { record: false });
    await carolChannel.send(identityKeyOf(bob), bobKeyAtCarol, before);
    await bob.waitFor(isMessage('sealed by carol before removal'));

    const bobKeyBefore = ownAccessKeyHex(bob);
    const aliceKeyBefore = ownAccessKeyHex(alice);
    const bobHashBefore = bob.store.settings.get(SealedSettingKey.registeredHash);
    await alice.engine.kick(groupId, 'carol');
    await carol.waitFor(
      (event: EngineEvent): event is Extract<EngineEvent, { type: 'groupRemoved' }> =>
        event.type === 'groupRemoved' && event.groupId === groupId,
    );
    // Bob (who saw the commit) and Alice (who made it) both rotate and register the new hash.
    await waitUntil(() => {
      const hash = bob.store.settings.get(SealedSettingKey.registeredHash);
      return hash !== undefined && hash !== bobHashBefore;
    });
    expect(ownAccessKeyHex(bob)).not.toBe(bobKeyBefore);
    await waitUntil(() => ownAccessKeyHex(alice) !== aliceKeyBefore);

    const refused = await carolChannel.send(identityKeyOf(bob), bobKeyAtCarol, utf8('after removal')).then(
      () => undefined,
      (error: unknown) => error,
    );
    await carolChannel.close();
    expect(refused).toBeInstanceOf(QpcError);
    expect((refused as QpcError).code).toBe(WireErrorCode.SealedAccessDenied);
  }, 120_000);

  it('shares the new access keys with the remaining members, who keep sending sealed', async () => {
    await waitUntil(() => learnedKeyHex(alice, bob) === ownAccessKeyHex(bob));
    await waitUntil(() => learnedKeyHex(bob, alice) === ownAccessKeyHex(alice));
    const spy = vi.mocked(ServerConnection.prototype.request);
    const calls = spy.mock.calls.length;
    await alice.engine.send(groupId, 'after the rotation');
    await alice.engine.flushOutbox();
    await bob.waitFor(isMessage('after the rotation'));
    const sealedSends = spy.mock.calls.slice(calls).filter(([method]) => method === Method.SealedSend);
    expect(sealedSends.length).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('rotates the access key on its schedule', async () => {
    const before = ownAccessKeyHex(bob);
    await bob.engine.runDueKeyRotations();
    expect(ownAccessKeyHex(bob)).toBe(before);
    bob.engine.setKeySchedule({ accessDays: 0 });
    await bob.engine.runDueKeyRotations();
    expect(ownAccessKeyHex(bob)).toBe(before);
    // Made "8 days ago": older than the default week.
    bob.store.settings.set(SealedSettingKey.accessKeyCreatedAt, String(Date.now() - 8 * DAY_MS));
    bob.engine.setKeySchedule({ accessDays: 7 });
    await bob.engine.runDueKeyRotations();
    expect(ownAccessKeyHex(bob)).not.toBe(before);
    await waitUntil(() => learnedKeyHex(alice, bob) === ownAccessKeyHex(bob));
  }, 60_000);

  it('rotates when a member leaves: the key the leaver held is refused', async () => {
    const leavers = (await alice.engine.createGroup('leavers')).id;
    await alice.engine.invite(leavers, 'bob');
    await bob.waitFor(isJoined(leavers));
    await waitUntil(() => learnedKeyHex(bob, alice) === ownAccessKeyHex(alice));
    const aliceKeyAtBob = bob.store.peerAccessKeys.get(toHex(identityKeyOf(alice)))!;
    const aliceKeyBefore = ownAccessKeyHex(alice);
    const hashBeforeLeave = alice.store.settings.get(SealedSettingKey.registeredHash);
    await bob.engine.leave(leavers);
    // Alice commits Bob's leave proposal by herself, then rotates.
    await waitUntil(async () => (await alice.engine.listMembers(leavers)).length === 1);
    await waitUntil(() => ownAccessKeyHex(alice) !== aliceKeyBefore);
    await waitUntil(
      () =>
        alice.store.settings.get(SealedSettingKey.registeredHash) !== undefined &&
        alice.store.settings.get(SealedSettingKey.registeredHash) !== hashBeforeLeave,
    );
    const channel = new SealedSendChannel(contextOf(bob), FAST_CONNECTION);
    const refused = await channel.send(identityKeyOf(alice), aliceKeyAtBob, utf8('after leaving')).then(
      () => undefined,
      (error: unknown) => error,
    );
    await channel.close();
    expect((refused as QpcError | undefined)?.code).toBe(WireErrorCode.SealedAccessDenied);
  }, 120_000);

  it('opens a Welcome sealed to the previous hybrid key within the grace period', async () => {
    const aliceConnection = contextOf(alice).connection()!;
    const daveBefore = await aliceConnection.request(Method.LookupUser, {
      query: { case: 'username', value: 'dave' },
    });
    const oldPublic = dave.store.identity.load()!.hybridPublicKey;
    await dave.engine.rotateHybridKey();
    const daveAfter = await aliceConnection.request(Method.LookupUser, {
      query: { case: 'username', value: 'dave' },
    });
    expect(constantTimeEqual(daveAfter.hybridPublicKey, oldPublic)).toBe(false);
    expect(constantTimeEqual(daveBefore.hybridPublicKey, oldPublic)).toBe(true);
    expect(dave.store.retiredHybridKeys.list().map((record) => toHex(record.publicKey))).toEqual([
      toHex(oldPublic),
    ]);

    // Alice looked Dave up before the rotation: her Welcome is sealed to the previous key.
    staleLookups.set('dave', daveBefore);
    const served = staleServed;
    const late = (await alice.engine.createGroup('late welcome')).id;
    await alice.engine.invite(late, 'dave');
    expect(staleServed).toBeGreaterThan(served);
    await dave.waitFor(isJoined(late));
    await alice.engine.send(late, 'welcome, dave');
    await alice.engine.flushOutbox();
    await dave.waitFor(isMessage('welcome, dave'));
  }, 120_000);

  it('wipes the previous hybrid key after the grace period; a Welcome sealed to it then fails', async () => {
    expect(contextOf(dave).identity().retiredHybrid).toHaveLength(1);
    daveOffset = 8 * DAY_MS;
    await dave.engine.runDueKeyRotations();
    expect(dave.store.retiredHybridKeys.list()).toEqual([]);
    expect(contextOf(dave).identity().retiredHybrid).toHaveLength(0);

    const drops = (): Extract<EngineEvent, { type: 'incomingDropped' }>[] =>
      dave.events.filter(
        (event): event is Extract<EngineEvent, { type: 'incomingDropped' }> =>
          event.type === 'incomingDropped',
      );
    const dropsBefore = drops().length;
    const tooLate = (await alice.engine.createGroup('too late')).id;
    await alice.engine.invite(tooLate, 'dave');
    await waitUntil(() => drops().length > dropsBefore);
    expect(drops().at(-1)?.code).toBe('ENVELOPE_AUTH_FAILED');
    expect(dave.engine.listGroups().some((group) => group.id === tooLate)).toBe(false);
    staleLookups.delete('dave');
  }, 120_000);
});
