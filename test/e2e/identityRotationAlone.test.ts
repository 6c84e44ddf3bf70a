/**
 * Identity rotation with a group where Alice is the only member, over loopback QUIC with a real
 * qpc-server process, real MLS and real profiles: the rotation succeeds and defers that group (a resync
 * commit cannot replace a tree's only leaf); once Bob joins through her invite, her leaf moves to the
 * new key at both of them, and messages flow both ways. After two rotations while alone, the move
 * carries both rotation statements (key0 -> key1 -> key2), and Bob verifies each link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import { fingerprintOf } from '../../src/engine/identity/index.js';
import { keptRotationChain, linksFrom } from '../../src/engine/keys/rotationChainStore.js';
import { contextOf, memberFingerprints } from './engineProbes.js';
import {
  converged,
  isJoined,
  isMessage,
  waitUntil,
  withClients,
  type ClientsFixture,
  type TestClient,
} from './harness.js';

describe('identity rotation in a group where we are alone', () => {
  let fixture: ClientsFixture;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    fixture = await withClients(['alice', 'bob']);
    [alice, bob] = fixture.clients as [TestClient, TestClient];
  }, 180_000);

  afterAll(() => fixture?.close());

  it('defers the lone group, then moves Alice’s leaf when Bob joins', async () => {
    const groupId = (await alice.engine.createGroup('alone')).id;
    await alice.engine.send(groupId, 'note to self');
    const oldKey = new Uint8Array(contextOf(alice).identity().mls.signingPublicKey);

    const result = await alice.engine.rotateIdentity();
    expect(result.groupsUpdated).toEqual([]);
    expect(result.groupsDeferred).toEqual([groupId]);
    const newKey = contextOf(alice).identity().mls.signingPublicKey;
    expect(toHex(newKey)).toBe(toHex(result.statement.newKey));
    expect(toHex(newKey)).not.toBe(toHex(oldKey));
    // Deferred: the leaf keeps the old key until someone can be told.
    const leafBefore = (await contextOf(alice).groups.session(groupId)).ownIdentityKey();
    expect(toHex(leafBefore!)).toBe(toHex(oldKey));

    await alice.engine.invite(groupId, 'bob');
    await bob.waitFor(isJoined(groupId));
    const newFingerprint = fingerprintOf(newKey).hex;
    const oldFingerprint = fingerprintOf(oldKey).hex;
    for (const member of [alice, bob]) {
      await waitUntil(async () => (await memberFingerprints(member, groupId)).includes(newFingerprint));
      expect(await memberFingerprints(member, groupId)).not.toContain(oldFingerprint);
    }
    const leafAfter = (await contextOf(alice).groups.session(groupId)).ownIdentityKey();
    expect(toHex(leafAfter!)).toBe(toHex(newKey));
    await waitUntil(() => converged([alice, bob], groupId, 2));

    await alice.engine.send(groupId, 'from alice on her new key');
    await bob.waitFor(isMessage('from alice on her new key'));
    await bob.engine.send(groupId, 'from bob to the new key');
    await alice.waitFor(isMessage('from bob to the new key'));
    await waitUntil(() => converged([alice, bob], groupId, 2));
  }, 180_000);

  it('after two rotations while alone, moves the leaf from the oldest key through both links', async () => {
    const groupId = (await alice.engine.createGroup('alone twice')).id;
    const firstKey = new Uint8Array(contextOf(alice).identity().mls.signingPublicKey);
    expect((await alice.engine.rotateIdentity()).groupsDeferred).toContain(groupId);
    const secondKey = new Uint8Array(contextOf(alice).identity().mls.signingPublicKey);
    expect((await alice.engine.rotateIdentity()).groupsDeferred).toContain(groupId);
    const thirdKey = new Uint8Array(contextOf(alice).identity().mls.signingPublicKey);
    const leafBefore = (await contextOf(alice).groups.session(groupId)).ownIdentityKey();
    expect(toHex(leafBefore!)).toBe(toHex(firstKey));
    // The kept chain passes through every key: the group's leaf key, the one between, the current one.
    const links = linksFrom(keptRotationChain(alice.store), firstKey);
    expect(links?.map((link) => [toHex(link.previousKey), toHex(link.newKey)])).toEqual([
      [toHex(firstKey), toHex(secondKey)],
      [toHex(secondKey), toHex(thirdKey)],
    ]);

    await alice.engine.invite(groupId, 'bob');
    await bob.waitFor(isJoined(groupId));
    const current = fingerprintOf(thirdKey).hex;
    for (const member of [alice, bob]) {
      await waitUntil(async () => (await memberFingerprints(member, groupId)).includes(current));
      const fingerprints = await memberFingerprints(member, groupId);
      expect(fingerprints).not.toContain(fingerprintOf(firstKey).hex);
      expect(fingerprints).not.toContain(fingerprintOf(secondKey).hex);
    }
    const leafAfter = (await contextOf(alice).groups.session(groupId)).ownIdentityKey();
    expect(toHex(leafAfter!)).toBe(toHex(thirdKey));
    await waitUntil(() => converged([alice, bob], groupId, 2));

    await alice.engine.send(groupId, 'alice, two keys later');
    await bob.waitFor(isMessage('alice, two keys later'));
    await bob.engine.send(groupId, 'bob to the third key');
    await alice.waitFor(isMessage('bob to the third key'));
  }, 180_000);
});
