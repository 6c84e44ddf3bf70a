import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE } from './ciphersuites.js';
import { MlsGroupSession } from './groupSession.js';
import { mlsErrorCodes } from './mlsErrors.js';
import { keyPackageFor, newTestMember, textOfBytes, utf8Text } from './testKit.js';

const suite = CLASSICAL_CIPHERSUITE;

async function pair() {
  const [alice, bob] = [newTestMember('alice'), newTestMember('bob')];
  const aliceGroup = await MlsGroupSession.create(alice.env, {
    identity: alice.identity,
    ciphersuite: suite,
  });
  const added = await aliceGroup.addMembers([await keyPackageFor(bob, suite)]);
  const bobGroup = await MlsGroupSession.join(bob.env, { identity: bob.identity, welcome: added.welcome });
  return { alice, bob, aliceGroup, bobGroup };
}

describe('staged commits', () => {
  it('leave the state (memory and disk) alone until merged, then advance it', async () => {
    const { alice, aliceGroup, bobGroup } = await pair();
    const before = alice.env.store.groups.get(aliceGroup.groupId);
    const staged = await aliceGroup.stageCommit({ kind: 'selfUpdate' });
    expect(staged.epoch).toBe(1n);
    expect(aliceGroup.info().epoch).toBe(1n);
    expect(alice.env.store.groups.get(aliceGroup.groupId)).toEqual(before);
    // Still usable in the accepted epoch while the commit waits: bob reads it.
    const text = await aliceGroup.sendMessage(utf8Text('still epoch 1'));
    const read = await bobGroup.receive(text);
    expect(read.kind === 'application' && textOfBytes(read.plaintext)).toBe('still epoch 1');

    await bobGroup.receive(staged.commit);
    await aliceGroup.mergeStaged(staged.stagedState);
    expect(aliceGroup.info().epoch).toBe(2n);
    expect(alice.env.store.groups.get(aliceGroup.groupId)?.epoch).toBe(2n);
    const after = await aliceGroup.sendMessage(utf8Text('epoch 2'));
    const readAfter = await bobGroup.receive(after);
    expect(readAfter.kind === 'application' && readAfter.epoch).toBe(2n);
  });

  it('merged at once, stores the staged bytes as they are, wipes them, and the stored state reopens', async () => {
    const { alice, aliceGroup, bobGroup } = await pair();
    const staged = await aliceGroup.stageCommit({ kind: 'selfUpdate' });
    const stagedCopy = new Uint8Array(staged.stagedState);
    await aliceGroup.mergeStaged(staged.stagedState);
    expect(alice.env.store.groups.get(aliceGroup.groupId)?.state).toEqual(stagedCopy);
    expect(staged.stagedState.every((byte) => byte === 0)).toBe(true);
    await bobGroup.receive(staged.commit);
    const fromMemory = await bobGroup.receive(await aliceGroup.sendMessage(utf8Text('from memory')));
    expect(fromMemory.kind === 'application' && fromMemory.epoch).toBe(2n);
    const reopened = await MlsGroupSession.open(alice.env, aliceGroup.groupId);
    const fromDisk = await bobGroup.receive(await reopened.sendMessage(utf8Text('from disk')));
    expect(fromDisk.kind === 'application' && textOfBytes(fromDisk.plaintext)).toBe('from disk');
  });

  it('refuses to merge a staged commit that no longer follows the epoch (another commit won)', async () => {
    const { aliceGroup, bobGroup } = await pair();
    const ours = await aliceGroup.stageCommit({ kind: 'selfUpdate' });
    const theirs = await bobGroup.selfUpdate();
    await aliceGroup.receive(theirs.commit);
    expect(aliceGroup.info().epoch).toBe(2n);
    await expect(aliceGroup.mergeStaged(ours.stagedState)).rejects.toMatchObject({
      code: mlsErrorCodes.badInput,
    });
    expect(aliceGroup.info().epoch).toBe(2n);
  });
});
