import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { StorageError } from '../../lib/errors.js';
import { openProfileStore, rekeyProfileStore } from './profileStore.js';
import { StoreWrongKeyError } from './storageErrors.js';
import type { MessageRecord, ProfileStore } from './types.js';

let dir: string;
const open: ProfileStore[] = [];

function key(): Uint8Array {
  return new Uint8Array(randomBytes(32));
}

function openStore(file: string, k: Uint8Array): ProfileStore {
  const store = openProfileStore({ file, key: k });
  open.push(store);
  return store;
}

function message(id: string, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id,
    groupId: 'aa01',
    sender: 'bb02',
    direction: 'in',
    text: `text of ${id}`,
    epoch: 3n,
    sentAt: 1000,
    receivedAt: 2000,
    ...overrides,
  };
}

function expectWrongKey(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(StoreWrongKeyError);
  expect(caught).toBeInstanceOf(StorageError);
  expect((caught as StorageError).code).toBe('STORE_WRONG_KEY');
  expect((caught as StorageError).hint).toMatch(/passphrase|keychain/);
  // Every error about the store key names both variables a script can set.
  expect((caught as StorageError).hint).toContain('QPC_PASSPHRASE');
  expect((caught as StorageError).hint).toContain('QPC_STORE_KEY');
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-store-'));
});

afterEach(() => {
  for (const store of open.splice(0)) store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('openProfileStore', () => {
  it('keeps data across close and reopen', () => {
    const file = join(dir, 'profile.db');
    const k = key();
    const first = openStore(file, k);
    first.identity.save({
      signingPrivateKey: new Uint8Array(32).fill(1),
      signingPublicKey: new Uint8Array(32).fill(2),
      hybridPrivateKey: new Uint8Array(64).fill(3),
      hybridPublicKey: new Uint8Array(64).fill(4),
      username: 'alice',
      createdAt: 42,
    });
    first.groups.save({
      groupId: 'g1',
      name: 'team',
      ciphersuite: 'cs',
      epoch: 7n,
      state: new Uint8Array([9, 8]),
      updatedAt: 5,
    });
    expect(first.messages.append(message('m1'))).toBe(true);
    first.close();

    const second = openStore(file, k);
    expect(second.keySource).toBe('raw');
    const identity = second.identity.load();
    expect(identity?.username).toBe('alice');
    expect(identity?.hybridPublicKey).toEqual(new Uint8Array(64).fill(4));
    expect(identity?.createdAt).toBe(42);
    expect(second.groups.get('g1')).toEqual({
      groupId: 'g1',
      name: 'team',
      ciphersuite: 'cs',
      epoch: 7n,
      state: new Uint8Array([9, 8]),
      updatedAt: 5,
    });
    expect(second.messages.list('aa01')).toEqual([{ ...message('m1'), kind: 'text' }]);
  });

  it('refuses a wrong key with STORE_WRONG_KEY', () => {
    const file = join(dir, 'profile.db');
    openStore(file, key()).close();
    expectWrongKey(() => openStore(file, key()));
  });

  it('reports a file that is not a database as STORE_WRONG_KEY, not a crash', () => {
    const file = join(dir, 'profile.db');
    const plain = new Sqlite(file);
    plain.exec('CREATE TABLE t (x)');
    plain.close();
    expectWrongKey(() => openStore(file, key()));
  });

  it('leaves no plaintext of a message in the database file or its WAL', () => {
    const file = join(dir, 'profile.db');
    const secret = 'zebra-quokka-7316 distinctive plaintext';
    const store = openStore(file, key());
    store.messages.append(message('m-secret', { text: secret }));
    const needle = Buffer.from(secret, 'utf8');
    // While open, the write sits in the WAL: it must be encrypted there too.
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(readFileSync(`${file}-wal`).includes(needle)).toBe(false);
    store.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(4096);
    expect(bytes.includes(needle)).toBe(false);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
  });

  it('the same check finds the text in an unencrypted file, so the scan works', () => {
    const file = join(dir, 'plain.db');
    const plain = new Sqlite(file);
    plain.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('zebra-quokka-7316 distinctive plaintext')");
    plain.close();
    expect(readFileSync(file).includes(Buffer.from('zebra-quokka-7316', 'utf8'))).toBe(true);
  });

  it('creates the file, -wal and -shm with mode 0600 and a new parent directory 0700, whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const parent = join(dir, 'profiles', 'alice');
      const file = join(parent, 'profile.db');
      const store = openStore(file, key());
      store.messages.append(message('m1'));
      for (const path of [file, `${file}-wal`, `${file}-shm`]) {
        expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
      }
      expect((statSync(parent).mode & 0o777).toString(8)).toBe('700');
    } finally {
      process.umask(previous);
    }
  });

  it('uses WAL journal mode', () => {
    const file = join(dir, 'profile.db');
    openStore(file, key()).messages.append(message('m1'));
    expect(existsSync(`${file}-wal`)).toBe(true);
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => openStore(join(dir, 'p.db'), new Uint8Array(16))).toThrow(/32 bytes/);
  });
});

describe('repositories', () => {
  it('dedupes messages on id', () => {
    const store = openStore(join(dir, 'p.db'), key());
    expect(store.messages.append(message('m1'))).toBe(true);
    expect(store.messages.append(message('m1', { text: 'other' }))).toBe(false);
    expect(store.messages.count('aa01')).toBe(1);
    expect(store.messages.list('aa01')[0]?.text).toBe('text of m1');
  });

  it('pages messages newest-last with limit and beforeReceivedAt', () => {
    const store = openStore(join(dir, 'p.db'), key());
    for (let i = 1; i <= 5; i++) store.messages.append(message(`m${i}`, { receivedAt: i * 10 }));
    store.messages.append(message('other', { groupId: 'cc03' }));
    expect(store.messages.list('aa01', { limit: 2 }).map((m) => m.id)).toEqual(['m4', 'm5']);
    expect(store.messages.list('aa01', { limit: 2, beforeReceivedAt: 40 }).map((m) => m.id)).toEqual([
      'm2',
      'm3',
    ]);
    expect(store.messages.count()).toBe(6);
    expect(store.messages.count('cc03')).toBe(1);
  });

  it('pages before a message id without skipping messages of the same millisecond', () => {
    const store = openStore(join(dir, 'p.db'), key());
    for (let i = 1; i <= 5; i++) store.messages.append(message(`m${i}`, { receivedAt: 10 }));
    store.messages.append(message('other', { groupId: 'cc03', receivedAt: 10 }));
    expect(store.messages.list('aa01', { limit: 2, beforeId: 'm4' }).map((m) => m.id)).toEqual(['m2', 'm3']);
    expect(store.messages.list('aa01', { beforeId: 'm2' }).map((m) => m.id)).toEqual(['m1']);
    expect(store.messages.list('aa01', { beforeId: 'unknown' })).toEqual([]);
  });

  it('lists the membership entries of a group in the order stored, from a message on', () => {
    const store = openStore(join(dir, 'p.db'), key());
    store.messages.append(message('j0', { receivedAt: 5, kind: 'membership' }));
    store.messages.append(message('t1', { receivedAt: 10 }));
    store.messages.append(message('j2', { receivedAt: 20, kind: 'membership' }));
    // A clock that went back: stored later, so listed later.
    store.messages.append(message('j1', { receivedAt: 15, kind: 'membership' }));
    store.messages.append(message('x', { groupId: 'cc03', kind: 'membership' }));
    expect(store.messages.listMembership('aa01').map((m) => m.id)).toEqual(['j0', 'j2', 'j1']);
    expect(store.messages.listMembership('aa01', { fromId: 't1' }).map((m) => m.id)).toEqual(['j2', 'j1']);
    expect(store.messages.listMembership('aa01', { fromId: 'j1' }).map((m) => m.id)).toEqual(['j1']);
    expect(store.messages.listMembership('aa01', { fromId: 'unknown' })).toHaveLength(3);
  });

  it('round-trips epochs past 2^53 and up to 2^64-1', () => {
    const store = openStore(join(dir, 'p.db'), key());
    const big = 2n ** 64n - 1n;
    const odd = 2n ** 53n + 1n;
    store.groups.save({
      groupId: 'g',
      name: 'n',
      ciphersuite: 'c',
      epoch: big,
      state: new Uint8Array([1]),
      updatedAt: 1,
    });
    store.messages.append(message('m1', { epoch: odd }));
    expect(store.groups.get('g')?.epoch).toBe(big);
    expect(store.messages.list('aa01')[0]?.epoch).toBe(odd);
    expect(() => store.messages.append(message('m2', { epoch: -1n }))).toThrow(/unsigned 64-bit/);
    expect(() => store.messages.append(message('m3', { epoch: 2n ** 64n }))).toThrow(/unsigned 64-bit/);
  });

  it('stores, lists and deletes key packages', () => {
    const store = openStore(join(dir, 'p.db'), key());
    const record = {
      ref: 'ab',
      ciphersuite: 'cs',
      publicPackage: new Uint8Array([1, 2]),
      privatePackage: new Uint8Array([3, 4]),
      lastResort: true,
      createdAt: 1,
    };
    store.keyPackages.put(record);
    store.keyPackages.put({ ...record, ref: 'cd', lastResort: false, createdAt: 2 });
    expect(store.keyPackages.count()).toBe(2);
    expect(store.keyPackages.get('ab')).toEqual(record);
    store.keyPackages.delete('ab');
    expect(store.keyPackages.get('ab')).toBeUndefined();
    expect(store.keyPackages.list().map((r) => r.ref)).toEqual(['cd']);
    expect(store.keyPackages.count()).toBe(1);
  });

  it('replaces and deletes groups', () => {
    const store = openStore(join(dir, 'p.db'), key());
    const group = {
      groupId: 'g',
      name: 'n',
      ciphersuite: 'c',
      epoch: 1n,
      state: new Uint8Array([1]),
      updatedAt: 1,
    };
    store.groups.save(group);
    store.groups.save({ ...group, epoch: 2n, state: new Uint8Array([2]) });
    expect(store.groups.list()).toEqual([{ ...group, epoch: 2n, state: new Uint8Array([2]) }]);
    store.groups.delete('g');
    expect(store.groups.list()).toEqual([]);
  });

  it('hands out byte arrays the caller owns', () => {
    const store = openStore(join(dir, 'p.db'), key());
    const state = new Uint8Array([5, 6, 7]);
    store.groups.save({ groupId: 'g', name: 'n', ciphersuite: 'c', epoch: 1n, state, updatedAt: 1 });
    state.fill(0);
    const loaded = store.groups.get('g')!.state;
    expect(loaded).toEqual(new Uint8Array([5, 6, 7]));
    loaded.fill(0);
    expect(store.groups.get('g')!.state).toEqual(new Uint8Array([5, 6, 7]));
  });

  it('rolls back every write of a failed transaction', () => {
    const store = openStore(join(dir, 'p.db'), key());
    expect(() =>
      store.transaction(() => {
        store.messages.append(message('m1'));
        throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(store.messages.count()).toBe(0);
    expect(store.transaction(() => store.messages.append(message('m2')))).toBe(true);
    expect(store.messages.count()).toBe(1);
  });
});

describe('rekeyProfileStore', () => {
  it('re-encrypts an open store: the old key then fails, the new key opens the data', () => {
    const file = join(dir, 'p.db');
    const oldKey = key();
    const newKey = key();
    const store = openStore(file, oldKey);
    store.messages.append(message('m1'));
    rekeyProfileStore(store, newKey);
    store.messages.append(message('m2'));
    expect(existsSync(`${file}-wal`)).toBe(true);
    store.close();
    expectWrongKey(() => openStore(file, oldKey));
    expect(
      openStore(file, newKey)
        .messages.list('aa01')
        .map((m) => m.id),
    ).toEqual(['m1', 'm2']);
  });

  it('re-encrypts a closed file given its current key', () => {
    const file = join(dir, 'p.db');
    const oldKey = key();
    const newKey = key();
    const store = openStore(file, oldKey);
    store.messages.append(message('m1'));
    store.close();
    rekeyProfileStore({ file, key: oldKey }, newKey);
    expectWrongKey(() => openStore(file, oldKey));
    expect(openStore(file, newKey).messages.count()).toBe(1);
  });

  it('refuses a closed store', () => {
    const store = openStore(join(dir, 'p.db'), key());
    store.close();
    expect(() => rekeyProfileStore(store, key())).toThrow(TypeError);
  });
});
