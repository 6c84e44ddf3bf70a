import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProfileStore } from './profileStore.js';
import type { ClientProfileStore } from './types.js';

let dir: string;
let file: string;
let key: Uint8Array;
let store: ClientProfileStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-client-repos-'));
  file = join(dir, 'profile.db');
  key = new Uint8Array(randomBytes(32));
  store = openProfileStore({ file, key });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('client repositories', () => {
  it('keeps settings across a reopen', () => {
    store.settings.set('server', '127.0.0.1:7443');
    store.settings.set('server', '127.0.0.1:7444');
    store.settings.set('queue.cursor', '12');
    store.settings.delete('queue.cursor');
    store.close();
    store = openProfileStore({ file, key });
    expect(store.settings.get('server')).toBe('127.0.0.1:7444');
    expect(store.settings.get('queue.cursor')).toBeUndefined();
  });

  it('pins, replaces and forgets server certificates', () => {
    expect(store.serverPins.get('h:1')).toBeUndefined();
    store.serverPins.set('h:1', 'aa'.repeat(32), 1);
    store.serverPins.set('h:1', 'bb'.repeat(32), 2);
    expect(store.serverPins.get('h:1')).toBe('bb'.repeat(32));
    expect(store.serverPins.delete('h:1')).toBe(true);
    expect(store.serverPins.delete('h:1')).toBe(false);
  });

  it('keeps the first payload of an outbox id (a retry never becomes a second message)', () => {
    const entry = {
      id: '01'.repeat(16),
      groupId: 'g',
      payload: Uint8Array.of(1, 2),
      createdAt: 5,
      attempts: 0,
    };
    store.outbox.put(entry);
    store.outbox.put({ ...entry, payload: Uint8Array.of(9) });
    store.outbox.put({ ...entry, id: '02'.repeat(16), createdAt: 6 });
    store.outbox.recordAttempt(entry.id);
    const listed = store.outbox.list();
    expect(listed.map((e) => e.id)).toEqual([entry.id, '02'.repeat(16)]);
    expect(listed[0]?.payload).toEqual(Uint8Array.of(1, 2));
    expect(listed[0]?.attempts).toBe(1);
    store.outbox.delete(entry.id);
    expect(store.outbox.count()).toBe(1);
  });

  it('records usernames and verifications of contacts independently', () => {
    store.contacts.markVerified('k1', 'f1', 10);
    store.contacts.saveUsername('k1', 'alice');
    expect(store.contacts.get('k1')).toEqual({
      identityKey: 'k1',
      username: 'alice',
      verifiedFingerprint: 'f1',
      verifiedAt: 10,
    });
    expect(store.contacts.get('k2')).toBeUndefined();
  });

  it('lists received messages after a cursor, in arrival order, without outgoing ones', () => {
    const base = { groupId: 'g', sender: 's', text: 't', epoch: 1n, sentAt: 1, receivedAt: 1 };
    store.messages.append({ ...base, id: 'a', direction: 'in' });
    store.messages.append({ ...base, id: 'b', direction: 'out' });
    store.messages.append({ ...base, id: 'c', direction: 'in' });
    const all = store.inbox.after(0, 10);
    expect(all.map((entry) => entry.message.id)).toEqual(['a', 'c']);
    const first = all[0]?.seq ?? 0;
    expect(store.inbox.after(first, 10).map((entry) => entry.message.id)).toEqual(['c']);
    expect(store.inbox.after(first, 10)[0]?.message.epoch).toBe(1n);
  });
});

describe('pending commits and held messages', () => {
  it('keep a pending commit across a reopen and replace it by stage', () => {
    store.pendingCommits.put({
      groupId: 'g1',
      stage: 'commit',
      clientMessageId: 'ab'.repeat(16),
      epoch: 2n ** 63n,
      commitMessage: new Uint8Array([1, 2]),
      stagedState: new Uint8Array([3]),
      welcomeMessageId: 'cd'.repeat(16),
      welcomeRecipient: new Uint8Array([4]),
      welcomePayload: new Uint8Array([5]),
      createdAt: 7,
    });
    store.close();
    store = openProfileStore({ file, key });
    const kept = store.pendingCommits.get('g1');
    expect(kept?.epoch).toBe(2n ** 63n);
    expect(kept?.stagedState).toEqual(new Uint8Array([3]));
    const { commitMessage: _c, stagedState: _s, ...rest } = kept!;
    store.pendingCommits.put({ ...rest, stage: 'welcome' });
    expect(store.pendingCommits.list()).toEqual([{ ...rest, stage: 'welcome' }]);
    store.pendingCommits.delete('g1');
    expect(store.pendingCommits.get('g1')).toBeUndefined();
  });

  it('hold incoming messages in arrival order, per group', () => {
    const held = (groupId: string, byte: number) => ({
      groupId,
      sealed: byte % 2 === 0,
      payload: new Uint8Array([byte]),
      code: 'MLS_FUTURE_EPOCH',
      heldAt: byte,
    });
    const first = store.heldIncoming.add(held('g1', 1));
    store.heldIncoming.add(held('g2', 2));
    store.heldIncoming.add(held('g1', 3));
    expect(store.heldIncoming.count()).toBe(3);
    expect(store.heldIncoming.listForGroup('g1').map((r) => r.payload[0])).toEqual([1, 3]);
    expect(store.heldIncoming.list(1).map((r) => r.seq)).toEqual([first]);
    store.heldIncoming.delete(first);
    expect(store.heldIncoming.list().map((r) => [r.groupId, r.sealed])).toEqual([
      ['g2', true],
      ['g1', false],
    ]);
  });
});
