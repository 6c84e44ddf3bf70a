import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE, DEFAULT_CIPHERSUITE } from './ciphersuites.js';
import { MlsGroupSession } from './groupSession.js';
import { mlsErrorCodes } from './mlsErrors.js';
import { keyPackageFor, newTestMember, textOfBytes, utf8Text, type TestMember } from './testKit.js';

const suite = CLASSICAL_CIPHERSUITE;

async function groupOfThree() {
  const [alice, bob, carol] = [newTestMember('alice'), newTestMember('bob'), newTestMember('carol')];
  const aliceGroup = await MlsGroupSession.create(alice.env, {
    identity: alice.identity,
    ciphersuite: suite,
    name: 'g',
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

describe('MlsGroupSession', () => {
  it('creates a one-member group, persists it and reopens it', async () => {
    const alice = newTestMember('alice');
    const group = await MlsGroupSession.create(alice.env, { identity: alice.identity, name: 'team' });
    const info = group.info();
    expect(info.epoch).toBe(0n);
    expect(info.ciphersuite).toBe(DEFAULT_CIPHERSUITE);
    expect(info.members).toEqual([alice.identity.signingPublicKey]);
    const record = alice.env.store.groups.get(group.groupId);
    expect(record?.name).toBe('team');
    expect(record?.ciphersuite).toBe(DEFAULT_CIPHERSUITE);
    const reopened = await MlsGroupSession.open(alice.env, group.groupId);
    expect(reopened.info()).toEqual(info);
  });

  it('adds members who join from the Welcome and exchange messages both ways (X-Wing)', async () => {
    const [alice, bob] = [newTestMember('alice'), newTestMember('bob')];
    const aliceGroup = await MlsGroupSession.create(alice.env, { identity: alice.identity });
    const { welcome } = await aliceGroup.addMembers([await keyPackageFor(bob, DEFAULT_CIPHERSUITE)]);
    const bobGroup = await MlsGroupSession.join(bob.env, { identity: bob.identity, welcome });
    expect(bobGroup.info().epoch).toBe(1n);
    expect(bobGroup.info().members).toEqual([alice.identity.signingPublicKey, bob.identity.signingPublicKey]);

    const toBob = await aliceGroup.sendMessage(utf8Text('hi bob'));
    const atBob = await bobGroup.receive(toBob);
    expect(atBob.kind).toBe('application');
    if (atBob.kind !== 'application') return;
    expect(textOfBytes(atBob.plaintext)).toBe('hi bob');
    expect(atBob.sender).toEqual(alice.identity.signingPublicKey);

    const atAlice = await aliceGroup.receive(await bobGroup.sendMessage(utf8Text('hi alice')));
    expect(atAlice.kind === 'application' && atAlice.sender).toEqual(bob.identity.signingPublicKey);
    expect(alice.env.store.messages.list(aliceGroup.groupId).map((m) => [m.direction, m.text])).toEqual([
      ['out', 'hi bob'],
      ['in', 'hi alice'],
    ]);
  });

  it('removes a member: the others move on, the removed one loses its state and cannot read', async () => {
    const { carol, aliceGroup, bobGroup, carolGroup } = await groupOfThree();
    const { commit } = await aliceGroup.removeMembers([carol.identity.signingPublicKey]);
    expect((await bobGroup.receive(commit)).kind).toBe('commit');
    const atCarol = await carolGroup.receive(commit);
    expect(atCarol.kind).toBe('removed');
    expect(carol.env.store.groups.get(carolGroup.groupId)).toBeUndefined();
    expect(bobGroup.info().members).toHaveLength(2);

    const after = await aliceGroup.sendMessage(utf8Text('carol is gone'));
    await expect(carolGroup.receive(after)).rejects.toMatchObject({ code: mlsErrorCodes.notActive });
    await expect(MlsGroupSession.open(carol.env, carolGroup.groupId)).rejects.toMatchObject({
      code: mlsErrorCodes.unknownGroup,
    });
    expect((await bobGroup.receive(after)).kind).toBe('application');
  });

  it('self-update commits a fresh leaf key that the others apply', async () => {
    const { bob, aliceGroup, bobGroup, carolGroup } = await groupOfThree();
    const before = storedState(bob, bobGroup.groupId);
    const { commit } = await bobGroup.selfUpdate();
    expect(bobGroup.info().epoch).toBe(2n);
    expect(storedState(bob, bobGroup.groupId)).not.toEqual(before);
    expect((await aliceGroup.receive(commit)).kind).toBe('commit');
    expect((await carolGroup.receive(commit)).kind).toBe('commit');
    expect(aliceGroup.info().epoch).toBe(2n);
    const message = await bobGroup.sendMessage(utf8Text('after update'));
    const atCarol = await carolGroup.receive(message);
    expect(atCarol.kind === 'application' && textOfBytes(atCarol.plaintext)).toBe('after update');
  });

  it('leave sends a self-remove proposal that another member commits', async () => {
    const { carol, aliceGroup, bobGroup, carolGroup } = await groupOfThree();
    const { proposal } = await carolGroup.leave();
    expect(carol.env.store.groups.get(carolGroup.groupId)).toBeUndefined();
    expect(carolGroup.info().active).toBe(false);
    expect((await aliceGroup.receive(proposal)).kind).toBe('proposal');
    expect((await bobGroup.receive(proposal)).kind).toBe('proposal');
    const { commit } = await aliceGroup.commitPendingProposals();
    await bobGroup.receive(commit);
    expect(aliceGroup.info().members).not.toContainEqual(carol.identity.signingPublicKey);
    expect(bobGroup.info().members).toEqual(aliceGroup.info().members);
  });

  it('refuses to remove a non-member or oneself', async () => {
    const { aliceGroup, alice } = await groupOfThree();
    await expect(aliceGroup.removeMembers([new Uint8Array(32)])).rejects.toMatchObject({
      code: mlsErrorCodes.badInput,
    });
    await expect(aliceGroup.removeMembers([alice.identity.signingPublicKey])).rejects.toMatchObject({
      code: mlsErrorCodes.badInput,
    });
  });
});
