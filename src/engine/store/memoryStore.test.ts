import { describe, expect, it } from 'vitest';
import { createMemoryStore } from './memoryStore.js';
import type { GroupRecord } from './types.js';

const group = (groupId: string, fill: number): GroupRecord => ({
  groupId,
  name: 'g',
  ciphersuite: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  epoch: 1n,
  state: new Uint8Array(4).fill(fill),
  updatedAt: 0,
});

describe('createMemoryStore', () => {
  it('copies bytes in and out', () => {
    const store = createMemoryStore();
    const record = group('a', 7);
    store.groups.save(record);
    record.state.fill(0);
    const out = store.groups.get('a')!;
    expect(out.state).toEqual(new Uint8Array(4).fill(7));
    out.state.fill(0);
    expect(store.groups.get('a')!.state).toEqual(new Uint8Array(4).fill(7));
  });

  it('rolls a transaction back when it throws', () => {
    const store = createMemoryStore();
    store.groups.save(group('a', 1));
    expect(() =>
      store.transaction(() => {
        store.groups.save(group('a', 2));
        store.groups.save(group('b', 3));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(store.groups.get('a')!.state[0]).toBe(1);
    expect(store.groups.get('b')).toBeUndefined();
  });

  it('dedupes messages by id and reopens from a snapshot', () => {
    const store = createMemoryStore();
    const message = {
      id: 'x',
      groupId: 'a',
      sender: '00',
      direction: 'in' as const,
      text: 'hi',
      epoch: 1n,
      sentAt: 1,
      receivedAt: 1,
    };
    expect(store.messages.append(message)).toBe(true);
    expect(store.messages.append(message)).toBe(false);
    const again = createMemoryStore(store.snapshot());
    store.close();
    expect(again.messages.count('a')).toBe(1);
    expect(() => store.groups.list()).toThrow();
  });
});
