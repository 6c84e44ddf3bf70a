/**
 * Invites with consent: under the 'none' policy an arriving Welcome waits as a pending invite; accepting
 * joins and reads what was sent meanwhile; declining leaves the invitee out (the inviter is told, and
 * its client removes the invitee from the group: inviteNotices.test.ts covers that in full).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  isJoined,
  isMessage,
  waitUntil,
  withClients,
  type ClientsFixture,
  type TestClient,
} from './harness.js';

const invitesChanged = (event: EngineEvent): event is Extract<EngineEvent, { type: 'invitesChanged' }> =>
  event.type === 'invitesChanged' && event.invites.length > 0;

describe('pending invites', () => {
  let fixture: ClientsFixture;
  let clients: Record<string, TestClient> = {};

  beforeAll(async () => {
    fixture = await withClients(['alice', 'bob', 'carol'], { sequential: true });
    clients = fixture.byName;
  }, 180_000);

  afterAll(async () => {
    await fixture.close();
  });

  it('keeps an invite pending until accepted, then joins and reads', { timeout: 180_000 }, async () => {
    const { alice, bob } = clients;
    if (!alice || !bob) throw new Error('clients missing');
    expect(bob.engine.invitePolicy()).toBe('all');
    bob.engine.setInvitePolicy('none');
    const groupId = (await alice.engine.createGroup('consent')).id;
    await alice.engine.invite(groupId, 'bob');
    await bob.waitFor(invitesChanged);
    const [invite] = await bob.engine.listInvites();
    expect(invite?.groupName).toBe('consent');
    expect(invite?.inviter).toBe('alice');
    expect(bob.engine.listGroups().some((group) => group.id === groupId)).toBe(false);

    // Sent while the invite waits: held at bob until he joins.
    await alice.engine.send(groupId, 'before you said yes');
    await waitUntil(async () => (await alice.engine.flushOutbox()).pending === 0);

    expect(await bob.engine.acceptInvite('consent')).toBe(groupId);
    await bob.waitFor(isJoined(groupId));
    await bob.waitFor(isMessage('before you said yes'));
    expect(await bob.engine.listInvites()).toEqual([]);
    await bob.engine.send(groupId, 'joined');
    await alice.waitFor(isMessage('joined'));
  });

  it('declines an invite: the invitee never joins', { timeout: 180_000 }, async () => {
    const { alice, carol } = clients;
    if (!alice || !carol) throw new Error('clients missing');
    carol.engine.setInvitePolicy('none');
    const groupId = alice.engine.listGroups().find((group) => group.name === 'consent')?.id ?? '';
    await alice.engine.invite(groupId, 'carol');
    await carol.waitFor(invitesChanged);
    await carol.engine.declineInvite('consent');
    expect(await carol.engine.listInvites()).toEqual([]);
    await expect(carol.engine.declineInvite('consent')).rejects.toThrow(/no pending invite/u);
    await alice.engine.send(groupId, 'not for carol');
    await waitUntil(async () => (await alice.engine.flushOutbox()).pending === 0);
    // carol's answer reached alice, whose client removed her; carol holds no group and no message of it.
    await waitUntil(async () =>
      (await alice.engine.listMembers(groupId)).every((member) => member.username !== 'carol'),
    );
    await carol.engine.connect();
    expect(carol.engine.listGroups().some((group) => group.id === groupId)).toBe(false);
    expect(
      (await carol.engine.inboxAfter(0, 100)).some((item) => item.message.text === 'not for carol'),
    ).toBe(false);
  });
});
