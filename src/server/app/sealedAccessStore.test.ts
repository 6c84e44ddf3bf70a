import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  openServerDatabase,
  SERVER_DATABASE_FILE,
  type ServerDatabase,
} from '../storage/openServerDatabase.js';
import { SealedAccessStore } from './sealedAccessStore.js';

let dir: string;
let db: ServerDatabase;
let store: SealedAccessStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-sealed-'));
  db = openServerDatabase(join(dir, SERVER_DATABASE_FILE), new Uint8Array(32).fill(3));
  store = new SealedAccessStore(db);
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const identityOf = (n: number): Uint8Array => new Uint8Array(32).fill(n);
const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());

function addUser(n: number): number {
  const result = db
    .prepare(
      'INSERT INTO users (username, registration_record, identity_key, hybrid_key, created_at) VALUES (?, ?, ?, ?, ?)',
    )
    .run(`user${n}`, 'record', Buffer.from(identityOf(n)), Buffer.alloc(1216), 0);
  return Number(result.lastInsertRowid);
}

describe('SealedAccessStore', () => {
  it('admits only the access key whose SHA-256 the recipient registered', () => {
    const bob = addUser(2);
    const key = new Uint8Array(32).fill(0xab);
    expect(store.admits(identityOf(2), key)).toBe(false); // no hash yet
    store.set(bob, sha256(key));
    expect(store.admits(identityOf(2), key)).toBe(true);
    expect(store.admits(identityOf(2), new Uint8Array(32).fill(0xac))).toBe(false);
    // The hash itself is not a token: knowing what the server stores does not let anyone write.
    expect(store.admits(identityOf(2), sha256(key))).toBe(false);
    expect(store.admits(identityOf(9), key)).toBe(false); // unknown recipient
  });

  it('replaces the hash on each set, and an empty hash turns sealed delivery off', () => {
    const bob = addUser(2);
    const oldKey = new Uint8Array(32).fill(1);
    const newKey = new Uint8Array(32).fill(2);
    store.set(bob, sha256(oldKey));
    store.set(bob, sha256(newKey));
    expect(store.admits(identityOf(2), oldKey)).toBe(false);
    expect(store.admits(identityOf(2), newKey)).toBe(true);
    store.set(bob, new Uint8Array());
    expect(store.admits(identityOf(2), newKey)).toBe(false);
    expect(db.prepare('SELECT count(*) AS n FROM sealed_access').get()).toEqual({ n: 0 });
  });

  it('keeps one hash per user, separate for each user', () => {
    const bob = addUser(2);
    const carol = addUser(3);
    const bobKey = new Uint8Array(32).fill(4);
    store.set(bob, sha256(bobKey));
    store.set(carol, sha256(new Uint8Array(32).fill(5)));
    expect(store.admits(identityOf(2), bobKey)).toBe(true);
    expect(store.admits(identityOf(3), bobKey)).toBe(false);
  });
});
