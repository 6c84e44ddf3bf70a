/**
 * The inviter learns what became of an invite: an invitee who declines, or whose client cannot open the
 * Welcome, sends a sealed notice back through the real server; the inviter's timeline says so, its
 * client removes the member who will never read, and `qpc receive --json` prints the entries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import {
  isJoined,
  isMessage,
  runQpc,
  waitUntil,
  withGroup,
  type GroupFixture,
  type TestClient,
} from './harness.js';

const invitesChanged = (event: EngineEvent): event is Extract<EngineEvent, { type: 'invitesChanged' }> =>
  event.type === 'invitesChanged' && event.invites.length > 0;

function answered(event: 'declined' | 'refused', actor: string) {
  return (e: EngineEvent): e is Extract<EngineEvent, { type: 'messageReceived' }> =>
    e.type === 'messageReceived' &&
    e.message.membership?.event === event &&
    e.message.membership.actor === actor;
}

async function memberNames(client: TestClient, groupId: string): Promise<string[]> {
  return (await client.engine.listMembers(groupId)).map((member) => member.username);
}

describe('invite notices', () => {
  let fixture: GroupFixture;

  beforeAll(async () => {
    // alice and bob share the group; carol and dave are invited by the tests.
    fixture = await withGroup(['alice', 'bob', 'carol', 'dave'], 'answers', { members: ['bob'] });
  }, 240_000);

  afterAll(async () => {
    await fixture.close();
  });

  it(
    'a declined invite is shown to the inviter and the invitee is removed',
    { timeout: 180_000 },
    async () => {
      const { alice, bob, carol } = fixture.byName;
      if (!alice || !bob || !carol) throw new Error('clients missing');
      const { groupId } = fixture;
      carol.engine.setInvitePolicy('none');
      await alice.engine.invite(groupId, 'carol');
      expect(await memberNames(alice, groupId)).toContain('carol');
      await carol.waitFor(invitesChanged);
      await carol.engine.declineInvite('answers');

      const entry = await alice.waitFor(answered('declined', 'carol'));
      expect(entry.message.text).toBe('carol declined the invite');
      expect(entry.message.groupId).toBe(groupId);
      // The invite's commit had added carol; alice's client removes her, and bob sees it too.
      await waitUntil(async () => !(await memberNames(alice, groupId)).includes('carol'));
      await waitUntil(async () => !(await memberNames(bob, groupId)).includes('carol'));
      await bob.waitFor(
        (event): event is Extract<EngineEvent, { type: 'messageReceived' }> =>
          event.type === 'messageReceived' && event.message.text === 'alice removed carol',
      );
      expect(carol.engine.listGroups().some((group) => group.id === groupId)).toBe(false);
      // The group goes on without her.
      await bob.engine.send(groupId, 'after carol said no');
      await alice.waitFor(isMessage('after carol said no'));
    },
  );

  it('a Welcome the invitee cannot open is reported with its code', { timeout: 180_000 }, async () => {
    const { alice, dave } = fixture.byName;
    if (!alice || !dave) throw new Error('clients missing');
    const { groupId } = fixture;
    // dave's device lost the private halves of the KeyPackages the server still hands out for him.
    for (const record of dave.store.keyPackages.list()) dave.store.keyPackages.delete(record.ref);
    await alice.engine.invite(groupId, 'dave');

    const entry = await alice.waitFor(answered('refused', 'dave'));
    expect(entry.message.membership?.code).toBe('MLS_NO_MATCHING_KEY_PACKAGE');
    expect(entry.message.text).toBe("dave's client could not open the invite (MLS_NO_MATCHING_KEY_PACKAGE)");
    await waitUntil(async () => !(await memberNames(alice, groupId)).includes('dave'));
    expect(dave.engine.listGroups().some((group) => group.id === groupId)).toBe(false);
  });

  it('an accepted invite adds no entry at the inviter and removes nobody', { timeout: 180_000 }, async () => {
    const { alice, carol } = fixture.byName;
    if (!alice || !carol) throw new Error('clients missing');
    const groupId = (await alice.engine.createGroup('yes')).id;
    carol.engine.setInvitePolicy('all');
    await alice.engine.invite(groupId, 'carol');
    await carol.waitFor(isJoined(groupId));
    // carol's client answered too (every Welcome is answered, so the server cannot tell a yes from a no).
    await waitUntil(() => (alice.store.settings.get('invites.sent') ?? '').includes('"answered":"accepted"'));
    await carol.engine.send(groupId, 'glad to be here');
    await alice.waitFor(isMessage('glad to be here'));
    expect(await memberNames(alice, groupId)).toContain('carol');
    const entries = await alice.engine.inboxAfter(0, 1_000);
    expect(
      entries.some(
        (item) => item.message.groupId === groupId && item.message.membership?.event === 'declined',
      ),
    ).toBe(false);
  });

  it('qpc receive --json prints the answers at the inviter', { timeout: 120_000 }, async () => {
    const { alice } = fixture.byName;
    if (!alice) throw new Error('clients missing');
    // One profile, one process: the in-process engine lets go of alice's profile first.
    await alice.close();
    const run = await runQpc([
      'receive',
      '--json',
      '--profile',
      alice.dir,
      '--server',
      fixture.server.address,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        kind: 'membership',
        group: 'answers',
        event: 'declined',
        actor: 'carol',
        text: 'carol declined the invite',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        kind: 'membership',
        event: 'refused',
        actor: 'dave',
        code: 'MLS_NO_MATCHING_KEY_PACKAGE',
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ kind: 'membership', text: 'alice removed carol' }),
    );
  });
});
