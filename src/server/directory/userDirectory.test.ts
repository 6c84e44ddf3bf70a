import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openServerDatabase, type ServerDatabase } from '../storage/openServerDatabase.js';
import { UserDirectory, validateAccountKeys } from './userDirectory.js';
import { normalizeUsername } from './usernames.js';

let db: ServerDatabase;
beforeEach(() => {
  db = openServerDatabase(':memory:', new Uint8Array(32));
});
afterEach(() => db.close());

describe('UserDirectory', () => {
  it('looks a username up case-insensitively and returns both public keys', () => {
    const directory = new UserDirectory(db);
    const identityKey = new Uint8Array(32).fill(1);
    const hybridKey = new Uint8Array(1216).fill(2);
    const userId = directory.insert({
      username: 'bob',
      registrationRecord: 'r',
      identityKey,
      hybridKey,
      createdAt: 5,
    });
    expect(typeof userId).toBe('number');
    expect(directory.lookup('BOB')).toEqual({ username: 'bob', identityKey, hybridKey });
    expect(directory.findByIdentityKey(identityKey)?.userId).toBe(userId);
    expect(directory.lookup('nobody')).toBeUndefined();
    expect(directory.lookup('no spaces allowed')).toBeUndefined();
  });

  it('reports which unique field clashed', () => {
    const directory = new UserDirectory(db);
    const entry = {
      username: 'bob',
      registrationRecord: 'r',
      identityKey: new Uint8Array(32),
      hybridKey: new Uint8Array(1),
      createdAt: 0,
    };
    directory.insert(entry);
    expect(directory.insert({ ...entry, identityKey: new Uint8Array(32).fill(9) })).toBe('username-taken');
    expect(directory.insert({ ...entry, username: 'carol' })).toBe('identity-key-taken');
  });

  it('validates usernames and key sizes', () => {
    expect(normalizeUsername('  Alice.B ')).toBe('alice.b');
    expect(() => normalizeUsername('ab')).toThrow();
    expect(() => normalizeUsername('ålice')).toThrow();
    expect(() => validateAccountKeys(new Uint8Array(31), new Uint8Array(1))).toThrow();
    expect(() => validateAccountKeys(new Uint8Array(32), new Uint8Array(0))).toThrow();
  });
});
