import { decodeGroupState, defaultPaddingConfig, encodeMlsMessage } from 'ts-mls';
import { protectApplicationData } from 'ts-mls/messageProtection.js';
import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE, defaultMlsCryptoProvider, loadCiphersuite } from './ciphersuites.js';
import { MlsGroupSession } from './groupSession.js';
import { mlsErrorCodes } from './mlsErrors.js';
import { keyPackageFor, newTestMember, textOfBytes, utf8Text, type TestMember } from './testKit.js';

const suite = CLASSICAL_CIPHERSUITE;

async function groupOfThree() {
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

function storedState(member: TestMember, groupId: string): Uint8Array {
  const record = member.env.store.groups.get(groupId);
  if (record === undefined) throw new Error('no stored state');
  return record.state;
}

/** Rejection must name the expected code, leave the stored bytes as they were, and not break the group. */
async function expectRejectedWithoutChange(
  receiver: { member: TestMember; group: MlsGroupSession },
  message: Uint8Array,
  code: string,
  sender: MlsGroupSession,
): Promise<void> {
  const before = storedState(receiver.member, receiver.group.groupId);
  const epochBefore = receiver.group.info().epoch;
  await expect(receiver.group.receive(message)).rejects.toMatchObject({ code });
  expect(storedState(receiver.member, receiver.group.groupId)).toEqual(before);
  expect(receiver.group.info().epoch).toBe(epochBefore);
  // Still works, in memory and after a reload from the store.
  const check = await sender.sendMessage(utf8Text('still fine'));
  const reopened = await MlsGroupSession.open(receiver.member.env, receiver.group.groupId);
  const result = await reopened.receive(check);
  expect(result.kind === 'application' && textOfBytes(result.plaintext)).toBe('still fine');
}

describe('incoming message rejections', () => {
  it('MLS_REPLAY: the same application message twice', async () => {
    const { bob, aliceGroup, bobGroup } = await groupOfThree();
    const message = await aliceGroup.sendMessage(utf8Text('once'));
    expect((await bobGroup.receive(message)).kind).toBe('application');
    await expectRejectedWithoutChange(
      { member: bob, group: bobGroup },
      message,
      mlsErrorCodes.replay,
      aliceGroup,
    );
  });

  it('MLS_STALE_EPOCH: a commit from an epoch we already left', async () => {
    const { bob, aliceGroup, bobGroup } = await groupOfThree();
    const { commit } = await aliceGroup.selfUpdate();
    await bobGroup.receive(commit);
    await expectRejectedWithoutChange(
      { member: bob, group: bobGroup },
      commit,
      mlsErrorCodes.staleEpoch,
      aliceGroup,
    );
  });

  it('MLS_SENDER_NOT_MEMBER: a delayed message from a member removed since', async () => {
    const { carol, bob, aliceGroup, bobGroup, carolGroup } = await groupOfThree();
    const delayed = await carolGroup.sendMessage(utf8Text('sent before my removal'));
    const { commit } = await aliceGroup.removeMembers([carol.identity.signingPublicKey]);
    await bobGroup.receive(commit);
    await expectRejectedWithoutChange(
      { member: bob, group: bobGroup },
      delayed,
      mlsErrorCodes.senderNotMember,
      aliceGroup,
    );
  });

  it('accepts a delayed message from the previous epoch when the sender is still a member', async () => {
    const { bob, aliceGroup, bobGroup } = await groupOfThree();
    const delayed = await bobGroup.sendMessage(utf8Text('late'));
    await bobGroup.receive((await aliceGroup.selfUpdate()).commit);
    const result = await aliceGroup.receive(delayed);
    expect(result.kind === 'application' && result.sender).toEqual(bob.identity.signingPublicKey);
  });

  it('MLS_STALE_EPOCH: an application message from an epoch whose keys we no longer keep', async () => {
    const { bob, aliceGroup, bobGroup } = await groupOfThree();
    const old = await aliceGroup.sendMessage(utf8Text('from epoch 1'));
    // ts-mls keeps receiver keys for 4 past epochs; five commits later epoch 1 is gone.
    for (let i = 0; i < 5; i++) await bobGroup.receive((await aliceGroup.selfUpdate()).commit);
    await expectRejectedWithoutChange(
      { member: bob, group: bobGroup },
      old,
      mlsErrorCodes.staleEpoch,
      aliceGroup,
    );
  });

  it('queues concurrent calls so that they never fork the state', async () => {
    const { aliceGroup, bobGroup } = await groupOfThree();
    const sent = await Promise.all(['one', 'two', 'three'].map((t) => aliceGroup.sendMessage(utf8Text(t))));
    const texts = [];
    for (const message of sent) {
      const result = await bobGroup.receive(message);
      texts.push(result.kind === 'application' ? textOfBytes(result.plaintext) : result.kind);
    }
    expect(texts).toEqual(['one', 'two', 'three']);
  });

  it('MLS_BAD_SIGNATURE: a member forges a message in the name of another', async () => {
    const { bob, carol, aliceGroup, carolGroup } = await groupOfThree();
    // Every member can derive every leaf's message keys; only the signature stops bob posing as alice.
    const bobState = decodeGroupState(storedState(bob, carolGroup.groupId), 0)![0];
    const impl = await loadCiphersuite(suite, defaultMlsCryptoProvider);
    const aliceLeaf = aliceGroup.info().ownLeafIndex;
    const forged = await protectApplicationData(
      bobState.signaturePrivateKey,
      bobState.keySchedule.senderDataSecret,
      utf8Text('send money to bob'),
      new Uint8Array(),
      bobState.groupContext,
      bobState.secretTree,
      aliceLeaf,
      defaultPaddingConfig,
      impl,
    );
    const bytes = encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_private_message',
      privateMessage: forged.privateMessage,
    });
    await expectRejectedWithoutChange(
      { member: carol, group: carolGroup },
      bytes,
      mlsErrorCodes.badSignature,
      aliceGroup,
    );
  });

  it('MLS_FUTURE_EPOCH and MLS_INVALID_MESSAGE for messages we cannot use', async () => {
    const { bob, aliceGroup, bobGroup } = await groupOfThree();
    const { commit } = await aliceGroup.selfUpdate();
    const ahead = await aliceGroup.sendMessage(utf8Text('from epoch 2'));
    const before = storedState(bob, bobGroup.groupId);
    await expect(bobGroup.receive(ahead)).rejects.toMatchObject({ code: mlsErrorCodes.futureEpoch });
    await expect(bobGroup.receive(utf8Text('not mls at all'))).rejects.toMatchObject({
      code: mlsErrorCodes.invalidMessage,
    });
    expect(storedState(bob, bobGroup.groupId)).toEqual(before);

    await bobGroup.receive(commit);
    const tampered = new Uint8Array(ahead);
    tampered[tampered.length - 1]! ^= 1;
    await expectRejectedWithoutChange(
      { member: bob, group: bobGroup },
      tampered,
      mlsErrorCodes.invalidMessage,
      aliceGroup,
    );
    // The untampered original still decrypts: the failed attempt consumed nothing.
    const original = await bobGroup.receive(ahead);
    expect(original.kind === 'application' && textOfBytes(original.plaintext)).toBe('from epoch 2');
  });
});
