/**
 * Two members change the group at the same time (alice adds carol while bob adds dave). The server
 * accepts one commit per epoch; the loser gets COMMIT_CONFLICT, restores its state, applies the winning
 * commit and redoes its change. Afterwards all four share one epoch and can talk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  converged,
  isJoined,
  isMessage,
  waitUntil,
  withClients,
  type ClientsFixture,
  type TestClient,
} from './harness.js';

describe('concurrent commits', () => {
  let fixture: ClientsFixture;
  let clients: Record<string, TestClient> = {};

  beforeAll(async () => {
    fixture = await withClients(['alice', 'bob', 'carol', 'dave']);
    clients = fixture.byName;
  }, 180_000);

  afterAll(async () => {
    await fixture.close();
  });

  it('converges when two members commit in the same epoch', { timeout: 180_000 }, async () => {
    const { alice, bob, carol, dave } = clients as Required<typeof clients> & Record<string, TestClient>;
    if (!alice || !bob || !carol || !dave) throw new Error('clients missing');
    const groupId = (await alice.engine.createGroup('race')).id;
    await alice.engine.invite('race', 'bob');
    await bob.waitFor(isJoined(groupId));

    await Promise.all([alice.engine.invite('race', 'carol'), bob.engine.invite(groupId, 'dave')]);
    await Promise.all([carol.waitFor(isJoined(groupId)), dave.waitFor(isJoined(groupId))]);

    // Whoever joined first learns of the other through the later commit: one epoch, four members.
    await waitUntil(() => converged([alice, bob, carol, dave], groupId, 4));
    const epochs = [alice, bob, carol, dave].map(
      (client) => client.engine.listGroups().find((group) => group.id === groupId)?.epoch,
    );
    expect(new Set(epochs.map(String)).size).toBe(1);

    await carol.engine.send(groupId, 'carol here');
    await Promise.all([alice, bob, dave].map((client) => client.waitFor(isMessage('carol here'))));
    await dave.engine.send(groupId, 'dave here');
    await Promise.all([alice, bob, carol].map((client) => client.waitFor(isMessage('dave here'))));
  });

  it('removes a member and rotates keys, and the rest keep talking', { timeout: 120_000 }, async () => {
    const { alice, bob, carol, dave } = clients;
    if (!alice || !bob || !carol || !dave) throw new Error('clients missing');
    const groupId = alice.engine.listGroups().find((group) => group.name === 'race')?.id ?? '';
    await alice.engine.kick(groupId, 'dave');
    await dave.waitFor(
      (event): event is Extract<EngineEvent, { type: 'groupRemoved' }> =>
        event.type === 'groupRemoved' && event.groupId === groupId && event.reason === 'removed',
    );
    expect(dave.engine.listGroups().some((group) => group.id === groupId)).toBe(false);
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));
    await carol.engine.selfUpdate(groupId);
    await waitUntil(() => converged([alice, bob, carol], groupId, 3));
    await bob.engine.send(groupId, 'after the removal');
    await Promise.all([alice, carol].map((client) => client.waitFor(isMessage('after the removal'))));
    expect((await alice.engine.listMembers(groupId)).map((member) => member.username).sort()).toEqual([
      'alice',
      'bob',
      'carol',
    ]);
  });

  it('lets a member leave: another member commits the removal', { timeout: 120_000 }, async () => {
    const { alice, bob, carol } = clients;
    if (!alice || !bob || !carol) throw new Error('clients missing');
    const groupId = alice.engine.listGroups().find((group) => group.name === 'race')?.id ?? '';
    await carol.engine.leave(groupId);
    expect(carol.engine.listGroups().some((group) => group.id === groupId)).toBe(false);
    // alice's and bob's engines both commit the proposal; the server orders them; both converge.
    await waitUntil(() => converged([alice, bob], groupId, 2));
    await alice.engine.send(groupId, 'just us two');
    await bob.waitFor(isMessage('just us two'));
  });
});
