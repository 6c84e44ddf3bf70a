import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QpcEngine } from '../qpcEngine.js';
import { openProfileStore } from './profileStore.js';
import type { ClientProfileStore, MessageRecord } from './types.js';

let dir: string;
let file: string;
let key: Uint8Array;
let store: ClientProfileStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-read-markers-'));
  file = join(dir, 'profile.db');
  key = new Uint8Array(randomBytes(32));
  store = openProfileStore({ file, key: key.slice() });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

let next = 0;
function message(groupId: string, direction: 'in' | 'out', at: number): MessageRecord {
  next += 1;
  return {
    id: `m${next}`,
    groupId,
    sender: 'ab'.repeat(32),
    direction,
    text: 'hello',
    epoch: 0n,
    sentAt: at,
    receivedAt: at,
  };
}

describe('read markers in the SQLCipher profile', () => {
  it('count received messages after the marker, and survive a reopen', () => {
    for (const at of [1, 2, 3]) store.messages.append(message('g', 'in', at));
    store.messages.append(message('g', 'out', 4));
    store.messages.append(message('h', 'in', 9));
    expect(store.readMarkers.unreadCounts()).toEqual(
      new Map([
        ['g', 3],
        ['h', 1],
      ]),
    );
    store.readMarkers.markRead('g', 10);
    expect(store.readMarkers.unreadCounts().get('g')).toBeUndefined();
    store.messages.append(message('g', 'in', 11));
    store.close();
    store = openProfileStore({ file, key: key.slice() });
    expect(store.readMarkers.unreadCounts()).toEqual(
      new Map([
        ['g', 1],
        ['h', 1],
      ]),
    );
    expect(store.readMarkers.lastMessageAt()).toEqual(
      new Map([
        ['g', 11],
        ['h', 9],
      ]),
    );
  });

  it('give the engine unread counts and activity that survive a restart', async () => {
    QpcEngine.createIdentity(store);
    let engine = new QpcEngine({ store });
    const group = await engine.createGroup('club');
    const created = engine.snapshot().groups.find((g) => g.id === group.id);
    store.messages.append(message(group.id, 'in', (created?.lastActivity ?? 0) + 60_000));
    store.messages.append(message(group.id, 'in', (created?.lastActivity ?? 0) + 120_000));
    const before = engine.snapshot().groups.find((g) => g.id === group.id);
    expect(before?.unread).toBe(2);
    expect(before?.lastActivity).toBe((created?.lastActivity ?? 0) + 120_000);
    await engine.markRead(group.id);
    store.messages.append(message(group.id, 'in', (created?.lastActivity ?? 0) + 180_000));
    await engine.close();
    store.close();

    store = openProfileStore({ file, key: key.slice() });
    engine = new QpcEngine({ store });
    expect(engine.snapshot().groups.find((g) => g.id === group.id)?.unread).toBe(1);
    await engine.close();
  });
});
