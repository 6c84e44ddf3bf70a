import { describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { encodeRotationStatement } from '../identity/rotationCodec.js';
import { signRotation } from '../identity/rotationStatement.js';
import { CLASSICAL_CIPHERSUITE } from './ciphersuites.js';
import type { MlsIdentity } from './credentials.js';
import { MlsGroupSession } from './groupSession.js';
import { mlsErrorCodes } from './mlsErrors.js';
import { keyPackageFor, newTestIdentity, newTestMember, textOfBytes, utf8Text } from './testKit.js';

const suite = CLASSICAL_CIPHERSUITE;
const keys = (identity: MlsIdentity) => ({
  privateKey: identity.signingPrivateKey,
  publicKey: identity.signingPublicKey,
});

async function trio() {
  const [alice, bob, carol] = [newTestMember('alice'), newTestMember('bob'), newTestMember('carol')];
  const aliceGroup = await MlsGroupSession.create(alice.env, {
    identity: alice.identity,
    ciphersuite: suite,
  });
  const added = await aliceGroup.addMembers([
    await keyPackageFor(bob, suite),
    await keyPackageFor(carol, suite),
  ]);
  const bobGroup = await MlsGroupSession.join(bob.env, { identity: bob.identity, welcome: added.welcome });
  const carolGroup = await MlsGroupSession.join(carol.env, {
    identity: carol.identity,
    welcome: added.welcome,
  });
  return { alice, bob, carol, aliceGroup, bobGroup, carolGroup };
}

function statementBytes(previous: MlsIdentity, next: MlsIdentity, signer = previous): Uint8Array {
  const statement = signRotation('alice', keys(signer), keys(next), 1, 1_700_000_000_000);
  return encodeRotationStatement({ ...statement, previousKey: previous.signingPublicKey });
}

describe('identity resync (external commit under a new credential)', () => {
  it('moves our leaf to the new key; the others accept it with the statement and everyone keeps talking', async () => {
    const { alice, aliceGroup, bobGroup, carolGroup } = await trio();
    const next = newTestIdentity();
    const staged = await aliceGroup.stageCommit({
      kind: 'identityResync',
      identity: next,
      authenticatedData: statementBytes(alice.identity, next),
    });
    // Sent just before the commit, read after it: the receiver data of the old epoch is kept.
    const late = await bobGroup.sendMessage(utf8Text('sent before the rotation'));

    const atBob = await bobGroup.receive(staged.commit);
    expect(atBob.kind).toBe('commit');
    expect(atBob.kind === 'commit' && toHex(atBob.rotation!.newKey)).toBe(toHex(next.signingPublicKey));
    expect(toHex(atBob.sender)).toBe(toHex(next.signingPublicKey));
    await carolGroup.receive(staged.commit);
    await aliceGroup.mergeStaged(staged.stagedState);

    const members = bobGroup.info().members.map(toHex);
    expect(members).toContain(toHex(next.signingPublicKey));
    expect(members).not.toContain(toHex(alice.identity.signingPublicKey));
    expect(aliceGroup.info().members.map(toHex).sort()).toEqual([...members].sort());

    const lateRead = await aliceGroup.receive(late);
    expect(lateRead.kind === 'application' && textOfBytes(lateRead.plaintext)).toBe(
      'sent before the rotation',
    );
    const fromAlice = await aliceGroup.sendMessage(utf8Text('new key here'));
    const read = await carolGroup.receive(fromAlice);
    expect(read.kind === 'application' && toHex(read.sender)).toBe(toHex(next.signingPublicKey));
    const fromBob = await bobGroup.sendMessage(utf8Text('hello new key'));
    const back = await aliceGroup.receive(fromBob);
    expect(back.kind === 'application' && textOfBytes(back.plaintext)).toBe('hello new key');
  });

  it('refuses a credential change whose statement is not signed by the replaced key, and changes nothing', async () => {
    const { alice, bob, aliceGroup, bobGroup } = await trio();
    const next = newTestIdentity();
    const forger = newTestIdentity();
    const staged = await aliceGroup.stageCommit({
      kind: 'identityResync',
      identity: next,
      authenticatedData: statementBytes(alice.identity, next, forger),
    });
    const before = bob.env.store.groups.get(bobGroup.groupId);
    await expect(bobGroup.receive(staged.commit)).rejects.toMatchObject({
      code: mlsErrorCodes.identityChangeUnsigned,
    });
    expect(bob.env.store.groups.get(bobGroup.groupId)).toEqual(before);
    expect(bobGroup.info().members.map(toHex)).toContain(toHex(alice.identity.signingPublicKey));
  });

  it('refuses a credential change with no statement at all', async () => {
    const { aliceGroup, bobGroup } = await trio();
    const staged = await aliceGroup.stageCommit({
      kind: 'identityResync',
      identity: newTestIdentity(),
      authenticatedData: new Uint8Array(0),
    });
    await expect(bobGroup.receive(staged.commit)).rejects.toMatchObject({
      code: mlsErrorCodes.identityChangeUnsigned,
    });
    expect(bobGroup.info().epoch).toBe(1n);
  });
});
