import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openEncryptedDatabase } from './encryptedDatabase.js';
import { MIGRATIONS, applyMigrations, schemaVersion } from './migrations.js';
import { openProfileStore } from './profileStore.js';
import type { ClientProfileStore } from './types.js';

let dir: string;
let store: ClientProfileStore | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-migration5-'));
});

afterEach(() => {
  store?.close();
  store = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const ALICE = 'aa'.repeat(32);
const ALICE_NEW = 'ab'.repeat(32);
const BOB = 'bb'.repeat(32);
const GROUP = 'cd'.repeat(16);

/** A profile as qpc with schema 4 left it: trust, learned keys and self-update state in settings. */
function profileAtVersion4(file: string, key: Uint8Array): void {
  const db = openEncryptedDatabase(file, key);
  applyMigrations(db, MIGRATIONS.slice(0, 4));
  expect(schemaVersion(db)).toBe(4);
  const put = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  put.run('trust.usernames', JSON.stringify(['alice', 'bob']));
  put.run(
    'trust.contact.alice',
    JSON.stringify({
      identityKey: ALICE,
      username: 'alice',
      verifiedFingerprint: 'f'.repeat(64),
      verifiedAt: 1_700_000_000_000,
      lastSeenKey: ALICE_NEW,
      keyChangedAt: 1_700_000_500_000,
      acknowledged: false,
    }),
  );
  put.run('trust.contact.bob', JSON.stringify({ identityKey: BOB, username: 'bob', lastSeenKey: BOB }));
  put.run('trust.contact.broken', '{not json');
  put.run(`privacy.sealed.peer.${ALICE}`, '01'.repeat(32));
  put.run(`privacy.sealed.peer.${BOB}`, 'not hex');
  put.run(
    `privacy.self_update.state.${GROUP}`,
    JSON.stringify({ lastUpdateAt: 1_700_000_123_000, messagesSinceUpdate: 42 }),
  );
  put.run('privacy.self_update.max_messages', '7');
  put.run('server', '127.0.0.1:7000');
  db.close();
}

describe('migration 5: trust, access keys and self-update state leave the settings table', () => {
  it('moves every readable record into its table with its values and types', () => {
    const file = join(dir, 'p.db');
    const key = new Uint8Array(randomBytes(32));
    profileAtVersion4(file, key);
    store = openProfileStore({ file, key });

    expect(store.contactTrust.list()).toEqual([
      {
        username: 'alice',
        identityKey: ALICE,
        lastSeenKey: ALICE_NEW,
        verifiedFingerprint: 'f'.repeat(64),
        verifiedAt: 1_700_000_000_000,
        keyChangedAt: 1_700_000_500_000,
        acknowledged: false,
      },
      { username: 'bob', identityKey: BOB, lastSeenKey: BOB },
    ]);
    expect(store.peerAccessKeys.get(ALICE)).toEqual(new Uint8Array(32).fill(1));
    expect(store.peerAccessKeys.get(BOB)).toBeUndefined();
    expect(store.selfUpdateStates.get(GROUP)).toEqual({
      lastUpdateAt: 1_700_000_123_000,
      messagesSinceUpdate: 42,
    });
  });

  it('removes the moved keys from settings and keeps every other setting', () => {
    const file = join(dir, 'p.db');
    const key = new Uint8Array(randomBytes(32));
    profileAtVersion4(file, key);
    store = openProfileStore({ file, key });
    for (const gone of [
      'trust.usernames',
      'trust.contact.alice',
      'trust.contact.broken',
      `privacy.sealed.peer.${ALICE}`,
      `privacy.self_update.state.${GROUP}`,
    ]) {
      expect(store.settings.get(gone), gone).toBeUndefined();
    }
    expect(store.settings.get('privacy.self_update.max_messages')).toBe('7');
    expect(store.settings.get('server')).toBe('127.0.0.1:7000');
  });

  it('round-trips records through the new repositories', () => {
    store = openProfileStore({ file: join(dir, 'p.db'), key: new Uint8Array(randomBytes(32)) });
    store.contactTrust.save({
      username: 'carol',
      identityKey: ALICE,
      lastSeenKey: ALICE_NEW,
      rotatedByOwner: true,
      acknowledged: true,
    });
    expect(store.contactTrust.get('carol')).toEqual({
      username: 'carol',
      identityKey: ALICE,
      lastSeenKey: ALICE_NEW,
      rotatedByOwner: true,
      acknowledged: true,
    });
    store.peerAccessKeys.save(BOB.toUpperCase(), new Uint8Array([9, 9]), 5);
    const copy = store.peerAccessKeys.get(BOB);
    copy?.fill(0);
    expect(store.peerAccessKeys.get(BOB)).toEqual(new Uint8Array([9, 9]));
    store.peerAccessKeys.delete(BOB);
    expect(store.peerAccessKeys.get(BOB)).toBeUndefined();

    const retired = { publicKey: new Uint8Array([1]), privateKey: new Uint8Array([2]) };
    store.retiredHybridKeys.add({ ...retired, retiredAt: 10, wipeAfter: 100 });
    store.retiredHybridKeys.add({
      publicKey: new Uint8Array([3]),
      privateKey: new Uint8Array([4]),
      retiredAt: 20,
      wipeAfter: 200,
    });
    expect(store.retiredHybridKeys.list().map((record) => record.retiredAt)).toEqual([20, 10]);
    expect(store.retiredHybridKeys.deleteExpired(100)).toBe(1);
    expect(store.retiredHybridKeys.list().map((record) => record.privateKey)).toEqual([new Uint8Array([4])]);
  });
});
