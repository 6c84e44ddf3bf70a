/**
 * Identity rotation with a group where Alice is the only member, over loopback QUIC with a real
 * qpc-server process, real MLS and real profiles: the rotation succeeds and defers that group (a resync
 * commit cannot replace a tree's only leaf); once Bob joins through her invite, her leaf moves to the
 * new key at both of them, and messages flow both ways. After two rotations while alone, the move
 * carries both rotation statements (key0 -> key1 -> key2), and Bob verifies each link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import type { ClientContext } from '../../src/engine/client/clientContext.js';
import { fingerprintOf } from '../../src/engine/identity/index.js';
import { keptRotationChain, linksFrom } from '../../src/engine/keys/rotationChainStore.js';
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

const contextOf = (client: TestClient): ClientContext =>
  (client.engine as unknown as { context: ClientContext }).context;

async function memberFingerprints(client: TestClient, groupId: string): Promise<string[]> {
  return (await client.engine.listMembers(groupId)).map((member) => member.fingerprint);
}

describe('identity rotation in a group where we are alone', () => {
  const dirs: string[] = [];
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient;
  const dir = (name: string): string => {
    const made = tempDir(name);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await startServer(dir('server'));
    alice = await registeredClient(dir('alice'), server.address, 'alice');
    bob = await registeredClient(dir('bob'), server.address, 'bob');
  }, 180_000);

  afterAll(async () => {
    await Promise.all([alice, bob].map((client) => client?.close()));
    await server?.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

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
