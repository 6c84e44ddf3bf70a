/**
 * Membership in the open: a join, adds, a key update, a kick and a leave each leave a timeline entry
 * (kind 'membership') at every member who saw them, in the order they happened, and a member removed
 * from a group still sees the group's name on what arrives afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  converged,
  isJoined,
  waitUntil,
  withClients,
  type ClientsFixture,
  type TestClient,
} from './harness.js';

/** The membership entries a client has stored for a group, as "event actor subjects" lines. */
async function timeline(client: TestClient, groupId: string): Promise<string[]> {
  const items = await client.engine.inboxAfter(0, 1_000);
  return items
    .filter((item) => item.message.groupId === groupId && item.message.membership !== undefined)
    .map((item) => {
      const change = item.message.membership;
      return change === undefined ? '' : `${change.event} ${change.actor} ${change.subjects.join(',')}`;
    });
}

async function hasEntries(client: TestClient, groupId: string, expected: string[]): Promise<boolean> {
  const lines = await timeline(client, groupId);
  return expected.every((line) => lines.includes(line));
}

describe('membership timeline', () => {
  let fixture: ClientsFixture;
  let clients: Record<string, TestClient> = {};

  beforeAll(async () => {
    fixture = await withClients(['alice', 'bob', 'carol'], { sequential: true });
    clients = fixture.byName;
  }, 180_000);

  afterAll(async () => {
    await fixture.close();
  });

  it('records joins, adds, key updates, kicks and leaves at every member', { timeout: 240_000 }, async () => {
    const { alice, bob, carol } = clients;
    if (!alice || !bob || !carol) throw new Error('clients missing');
    const groupId = (await alice.engine.createGroup('open')).id;
    await alice.engine.invite(groupId, 'bob');
    await bob.waitFor(isJoined(groupId));
    await alice.engine.invite(groupId, 'carol');
    await carol.waitFor(isJoined(groupId));
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));

    expect(await timeline(alice, groupId)).toEqual(['added alice bob', 'added alice carol']);
    await waitUntil(() => hasEntries(bob, groupId, ['joined bob bob', 'added alice carol']));
    expect(await timeline(carol, groupId)).toEqual(['joined carol carol']);
    // Unread: what others did is news, what we did ourselves is not (alice made both adds).
    const unreadOf = (client: TestClient): number | undefined =>
      client.engine.snapshot().groups.find((group) => group.id === groupId)?.unread;
    expect(unreadOf(alice)).toBe(0);
    expect(unreadOf(bob)).toBe(2);
    expect(unreadOf(carol)).toBe(1);

    // A key rotation by bob: an entry at all three.
    await bob.engine.selfUpdate(groupId);
    for (const client of [alice, bob, carol]) {
      await waitUntil(() => hasEntries(client, groupId, ['keyUpdated bob bob']));
    }

    // alice kicks carol: alice and bob record it; carol records her own removal, under the group's name.
    await alice.engine.kick(groupId, 'carol');
    await carol.waitFor(
      (event): event is Extract<EngineEvent, { type: 'groupRemoved' }> =>
        event.type === 'groupRemoved' && event.groupId === groupId,
    );
    for (const client of [alice, bob, carol]) {
      await waitUntil(() => hasEntries(client, groupId, ['removed alice carol'])).catch(
        async (error: unknown) => {
          throw new Error(`${String(error)}: ${JSON.stringify(await client.engine.inboxAfter(0, 1000))}`);
        },
      );
    }
    const carolItems = await carol.engine.inboxAfter(0, 1_000);
    const removal = carolItems.find((item) => item.message.membership?.event === 'removed');
    expect(removal?.groupName).toBe('open');
    expect(removal?.message.text).toBe('alice removed carol');

    // bob leaves: alice commits his proposal, and her timeline says he left (not that she removed him).
    await bob.engine.leave(groupId);
    await waitUntil(() => converged([alice], groupId, 1));
    await waitUntil(() => hasEntries(alice, groupId, ['left bob bob']));
    expect((await timeline(alice, groupId)).some((line) => line.startsWith('removed alice bob'))).toBe(false);
  });
});
