/**
 * Identity rotation end to end over loopback QUIC with a real qpc-server process, real MLS and real
 * profiles: Alice moves to the next identity key of her words in a group with Bob (who verified her) and
 * Carol; everyone keeps talking both ways, Bob sees the owner-signed rotation and a new safety number,
 * and a forged rotation (a credential change vouched for by a key nobody verified) is dropped.
 */
import {
  defaultCapabilities,
  defaultLifetime,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  type ClientState,
} from 'ts-mls';
import { createGroupInfoWithExternalPubAndRatchetTree } from 'ts-mls/createCommit.js';
import { defaultKeyPackageEqualityConfig } from 'ts-mls/keyPackageEqualityConfig.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constantTimeEqual, toHex } from '../../src/lib/bytes.js';
import { Method } from '../../src/protocol/index.js';
import { fingerprintOf } from '../../src/engine/identity/index.js';
import { encodeRotationStatement } from '../../src/engine/identity/rotationCodec.js';
import { signRotation } from '../../src/engine/identity/rotationStatement.js';
import { basicCredentialFor, makeClientConfig } from '../../src/engine/mls/credentials.js';
import { loadCiphersuite } from '../../src/engine/mls/ciphersuites.js';
import { mlsErrorCodes } from '../../src/engine/mls/mlsErrors.js';
import { newTestIdentity } from '../../src/engine/mls/testKit.js';
import { padToBucket } from '../../src/engine/privacy/padding.js';
import { OWNER_ROTATION_NOTE } from '../../src/engine/privacy/trust.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { contextOf, identityKeyOf, memberFingerprints } from './engineProbes.js';
import { converged, isMessage, waitUntil, withGroup, type GroupFixture, type TestClient } from './harness.js';

describe('identity rotation over QUIC', () => {
  let fixture: GroupFixture;
  let alice: TestClient;
  let bob: TestClient;
  let carol: TestClient;
  let groupId: string;

  beforeAll(async () => {
    fixture = await withGroup(['alice', 'bob', 'carol'], 'rotation');
    [alice, bob, carol] = fixture.clients as [TestClient, TestClient, TestClient];
    groupId = fixture.groupId;
  }, 180_000);

  afterAll(() => fixture?.close());

  it('moves Alice to her next key everywhere; Bob, who verified her, sees it signed by the verified key', async () => {
    await bob.engine.verifyContact('alice');
    const safetyBefore = await bob.engine.safetyNumber('alice');
    expect(safetyBefore.verification).toBe('verified');
    const oldKey = new Uint8Array(identityKeyOf(alice));

    const result = await alice.engine.rotateIdentity();
    expect(result.groupsUpdated).toEqual([groupId]);
    expect(result.groupsDeferred).toEqual([]);
    expect(result.statement.keyIndex).toBe(1);
    const newKey = identityKeyOf(alice);
    expect(constantTimeEqual(newKey, oldKey)).toBe(false);
    expect(toHex(newKey)).toBe(toHex(result.statement.newKey));
    const newFingerprint = fingerprintOf(newKey).hex;

    for (const member of [bob, carol]) {
      await waitUntil(async () => (await memberFingerprints(member, groupId)).includes(newFingerprint));
      expect(await memberFingerprints(member, groupId)).not.toContain(fingerprintOf(oldKey).hex);
    }
    const note = await bob.waitFor(
      (event: EngineEvent): event is Extract<EngineEvent, { type: 'messageReceived' }> =>
        event.type === 'messageReceived' && event.message.membership?.event === 'identityRotated',
    );
    expect(note.message.text).toBe(`alice: ${OWNER_ROTATION_NOTE}`);
    const safetyAfter = await bob.engine.safetyNumber('alice');
    expect(safetyAfter.verification).toBe('verified');
    expect(safetyAfter.note).toBe(OWNER_ROTATION_NOTE);
    expect(safetyAfter.groups).not.toEqual(safetyBefore.groups);
    // The directory serves the new key; the profile holds it (the old private key is gone from it).
    expect(toHex(contextOf(alice).store.identity.load()!.signingPublicKey)).toBe(toHex(newKey));

    // Everyone keeps talking, both directions.
    await alice.engine.send(groupId, 'from alice, new key');
    await bob.waitFor(isMessage('from alice, new key'));
    await carol.waitFor(isMessage('from alice, new key'));
    await bob.engine.send(groupId, 'from bob after the rotation');
    await alice.waitFor(isMessage('from bob after the rotation'));
    await carol.engine.send(groupId, 'from carol after the rotation');
    await alice.waitFor(isMessage('from carol after the rotation'));
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));
  }, 180_000);

  it('drops a forged rotation: a credential change vouched for by a key nobody verified', async () => {
    // Carol, a member, builds an external commit that replaces Alice's leaf with Mallory's key and a
    // statement Mallory signed herself (valid signatures, but not by the key it replaces).
    const session = await contextOf(carol).groups.session(groupId);
    const state = (session as unknown as { state: ClientState }).state;
    const impl = await loadCiphersuite(session.info().ciphersuite, contextOf(carol).mls.provider);
    const aliceKey = identityKeyOf(alice);
    const mallory = newTestIdentity();
    const marker = newTestIdentity();
    const statement = signRotation(
      'alice',
      { privateKey: marker.signingPrivateKey, publicKey: marker.signingPublicKey },
      { privateKey: mallory.signingPrivateKey, publicKey: mallory.signingPublicKey },
      2,
      Date.now(),
    );
    const own = await generateKeyPackageWithKey(
      basicCredentialFor(mallory.signingPublicKey),
      defaultCapabilities(),
      defaultLifetime,
      [],
      { signKey: mallory.signingPrivateKey, publicKey: mallory.signingPublicKey },
      impl,
    );
    const groupInfo = await createGroupInfoWithExternalPubAndRatchetTree(state, [], impl);
    const forged = await joinGroupExternal(
      groupInfo,
      own.publicPackage,
      own.privatePackage,
      true,
      impl,
      undefined,
      {
        ...makeClientConfig(),
        keyPackageEqualityConfig: {
          compareKeyPackages: (a, b) => defaultKeyPackageEqualityConfig.compareKeyPackages(a, b),
          compareKeyPackageToLeafNode: (_keyPackage, leaf) =>
            constantTimeEqual(leaf.signaturePublicKey, aliceKey),
        },
      },
      encodeRotationStatement(statement),
    );
    const bytes = encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_public_message',
      publicMessage: forged.publicMessage,
    });
    const epochBefore = bob.engine.listGroups().find((group) => group.id === groupId)?.epoch;
    await contextOf(carol)
      .connection()!
      .request(Method.Enqueue, {
        recipientIdentityKeys: [identityKeyOf(bob)],
        payload: padToBucket(bytes),
      });
    const dropped = await bob.waitFor(
      (event: EngineEvent): event is Extract<EngineEvent, { type: 'incomingDropped' }> =>
        event.type === 'incomingDropped' && event.code === mlsErrorCodes.identityChangeUnsigned,
    );
    expect(dropped.groupId).toBe(groupId);
    expect(bob.engine.listGroups().find((group) => group.id === groupId)?.epoch).toBe(epochBefore);
    expect(await memberFingerprints(bob, groupId)).toContain(fingerprintOf(aliceKey).hex);
    expect(await memberFingerprints(bob, groupId)).not.toContain(fingerprintOf(mallory.signingPublicKey).hex);
    // The group goes on.
    await alice.engine.send(groupId, 'still here');
    await bob.waitFor(isMessage('still here'));
  }, 120_000);
});
