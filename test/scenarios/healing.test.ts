/**
 * Healing (automatic self-updates): what a stolen copy of a member's state can and cannot read.
 * A "copy" is the member's whole profile store duplicated at one moment (memory store snapshot), then
 * opened as a separate session: what an attacker who copied the disk and its key would hold.
 */
import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE, DEFAULT_CIPHERSUITE } from '../../src/engine/mls/ciphersuites.js';
import { MlsGroupSession } from '../../src/engine/mls/groupSession.js';
import { mlsErrorCodes } from '../../src/engine/mls/mlsErrors.js';
import {
  keyPackageFor,
  newTestMember,
  textOfBytes,
  utf8Text,
  type TestMember,
} from '../../src/engine/mls/testKit.js';
import { createMemoryStore, type MemoryProfileStore } from '../../src/engine/store/memoryStore.js';

type Member = TestMember & { store: MemoryProfileStore };

function member(name: string): Member {
  const store = createMemoryStore();
  return { ...newTestMember(name, store), store };
}

/** Opens a copy of `victim`'s store as it is now: the attacker's session. */
async function stealState(victim: Member, groupId: string): Promise<MlsGroupSession> {
  const copy = createMemoryStore(victim.store.snapshot());
  return MlsGroupSession.open({ ...victim.env, store: copy }, groupId);
}

async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  }
  return 'accepted';
}

async function readText(session: MlsGroupSession, bytes: Uint8Array): Promise<string> {
  const result = await session.receive(bytes, { record: false });
  if (result.kind !== 'application') throw new Error(`expected an application message, got ${result.kind}`);
  return textOfBytes(result.plaintext);
}

async function groupOfThree(suite: string) {
  const [alice, bob, carol] = [member('alice'), member('bob'), member('carol')];
  const aliceGroup = await MlsGroupSession.create(alice.env, {
    identity: alice.identity,
    ciphersuite: suite,
  });
  const { welcome } = await aliceGroup.addMembers([
    await keyPackageFor(bob, suite),
    await keyPackageFor(carol, suite),
  ]);
  const bobGroup = await MlsGroupSession.join(bob.env, { identity: bob.identity, welcome });
  const carolGroup = await MlsGroupSession.join(carol.env, { identity: carol.identity, welcome });
  return { alice, bob, carol, aliceGroup, bobGroup, carolGroup };
}

describe.each([
  ['X-Wing', DEFAULT_CIPHERSUITE],
  ['classical', CLASSICAL_CIPHERSUITE],
])('healing (%s)', (_label, suite) => {
  it("a copy of a member's state taken before its self-update stops decrypting after it", async () => {
    const { bob, carol, aliceGroup, bobGroup, carolGroup } = await groupOfThree(suite);
    const stolenBob = await stealState(bob, bobGroup.groupId);

    // Before the update the copy reads everything: the attack is real.
    const before = await aliceGroup.sendMessage(utf8Text('before the update'), { record: false });
    expect(await readText(stolenBob, before)).toBe('before the update');
    expect(await readText(bobGroup, before)).toBe('before the update');
    await carolGroup.receive(before, { record: false });

    const epochBefore = bobGroup.info().epoch;
    const { commit } = await bobGroup.selfUpdate();
    expect(bobGroup.info().epoch).toBe(epochBefore + 1n);
    expect((await aliceGroup.receive(commit)).kind).toBe('commit');
    // A copy of another member's state (Carol's), taken now, before she processes Bob's commit.
    const stolenCarol = await stealState(carol, carolGroup.groupId);
    expect((await carolGroup.receive(commit)).kind).toBe('commit');

    const after = await aliceGroup.sendMessage(utf8Text('after the update'), { record: false });
    expect(await readText(bobGroup, after)).toBe('after the update');
    expect(await readText(carolGroup, after)).toBe('after the update');
    expect(await rejectionCode(stolenBob.receive(after))).toBe(mlsErrorCodes.futureEpoch);
    // The commit itself does not help the thief: its new path secrets are encrypted to the other
    // members' keys, and Bob's fresh leaf secret never left Bob.
    expect(await rejectionCode(stolenBob.receive(commit))).toBe(mlsErrorCodes.invalidMessage);
    expect(await rejectionCode(stolenBob.receive(after))).toBe(mlsErrorCodes.futureEpoch);
    expect(stolenBob.info().epoch).toBe(epochBefore);

    // The limit of healing: a copy of Carol's state follows Bob's commit, because only the
    // compromised member's own update removes the attacker (docs/post-compromise-security.md).
    expect((await stolenCarol.receive(commit)).kind).toBe('commit');
    expect(await readText(stolenCarol, after)).toBe('after the update');
  });

  it("a removed member, then a self-update: the removed member's state cannot decrypt", async () => {
    const { carol, aliceGroup, bobGroup, carolGroup } = await groupOfThree(suite);
    const stolenCarol = await stealState(carol, carolGroup.groupId);
    const stolenCarolAgain = await stealState(carol, carolGroup.groupId);

    const removal = await aliceGroup.removeMembers([carol.identity.signingPublicKey]);
    expect((await bobGroup.receive(removal.commit)).kind).toBe('commit');
    expect((await carolGroup.receive(removal.commit)).kind).toBe('removed');
    const update = await aliceGroup.selfUpdate();
    expect((await bobGroup.receive(update.commit)).kind).toBe('commit');

    const secret = await aliceGroup.sendMessage(utf8Text('carol must not read this'), { record: false });
    expect(await readText(bobGroup, secret)).toBe('carol must not read this');

    // Carol's own session is gone.
    expect(await rejectionCode(carolGroup.receive(secret))).toBe(mlsErrorCodes.notActive);
    expect(carol.store.groups.get(carolGroup.groupId)).toBeUndefined();
    // A copy taken before the removal: two epochs behind, and the commits do not bring it back.
    expect(await rejectionCode(stolenCarol.receive(secret))).toBe(mlsErrorCodes.futureEpoch);
    expect(await rejectionCode(stolenCarol.receive(update.commit))).toBe(mlsErrorCodes.futureEpoch);
    expect((await stolenCarolAgain.receive(removal.commit)).kind).toBe('removed');
    expect(await rejectionCode(stolenCarolAgain.receive(update.commit))).toBe(mlsErrorCodes.notActive);
    expect(await rejectionCode(stolenCarolAgain.receive(secret))).toBe(mlsErrorCodes.notActive);
  });
});
