import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { create } from '@bufbuild/protobuf';
import { IdentityRotationSchema, identityRotationSignedBytes } from '../../protocol/index.js';
import { openServerDatabase, type ServerDatabase } from '../storage/openServerDatabase.js';
import { judgeRotation } from './identityRotation.js';
import { UserDirectory } from './userDirectory.js';

interface TestKey {
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

function newKey(): TestKey {
  const pair = generateKeyPairSync('ed25519');
  const der = pair.publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey: pair.privateKey, publicKey: new Uint8Array(der.subarray(der.length - 32)) };
}

function rotation(username: string, previous: TestKey, next: TestKey, previousSigner = previous) {
  const body = {
    username,
    previousKey: previous.publicKey,
    newKey: next.publicKey,
    keyIndex: 1,
    issuedAt: 42,
  };
  const signed = identityRotationSignedBytes(body);
  return create(IdentityRotationSchema, {
    newIdentityKey: next.publicKey,
    keyIndex: 1,
    issuedAtMs: 42n,
    previousSignature: new Uint8Array(sign(null, signed, previousSigner.privateKey)),
    newSignature: new Uint8Array(sign(null, signed, next.privateKey)),
  });
}

let db: ServerDatabase;
beforeEach(() => {
  db = openServerDatabase(':memory:', new Uint8Array(32));
});
afterEach(() => db.close());

describe('identity rotation on the server', () => {
  it('accepts only a statement signed by the registered key and the new key', () => {
    const [old, next, other] = [newKey(), newKey(), newKey()];
    expect(judgeRotation('alice', old.publicKey, rotation('alice', old, next))).toBe('rotate');
    expect(judgeRotation('alice', old.publicKey, rotation('alice', old, next, other))).toBe('refused');
    expect(judgeRotation('alice', other.publicKey, rotation('alice', old, next))).toBe('refused');
    expect(judgeRotation('mallory', old.publicKey, rotation('alice', old, next))).toBe('refused');
    expect(judgeRotation('alice', next.publicKey, rotation('alice', old, next), old.publicKey)).toBe(
      'already-rotated',
    );
  });

  it('moves the account and its waiting messages to the new key; the old key stays an alias', () => {
    const directory = new UserDirectory(db);
    const [old, next] = [newKey(), newKey()];
    const userId = directory.insert({
      username: 'alice',
      registrationRecord: 'r',
      identityKey: old.publicKey,
      hybridKey: new Uint8Array(1216),
      createdAt: 1,
    }) as number;
    db.prepare('INSERT INTO queue (recipient, payload, enqueued_at, expires_at) VALUES (?, ?, 1, 99)').run(
      Buffer.from(old.publicKey),
      Buffer.from([1]),
    );
    directory.keyHistory.replace(userId, old.publicKey, next.publicKey, 5);
    expect(directory.findById(userId)?.identityKey).toEqual(next.publicKey);
    expect(directory.findByIdentityKey(old.publicKey)).toBeUndefined();
    expect(directory.keyHistory.currentKey(old.publicKey)).toEqual(next.publicKey);
    expect(directory.keyHistory.currentKey(next.publicKey)).toEqual(next.publicKey);
    expect(directory.keyHistory.previousKey(userId)).toEqual(old.publicKey);
    const waiting = db.prepare('SELECT recipient FROM queue').all() as { recipient: Buffer }[];
    expect(waiting.map((row) => new Uint8Array(row.recipient))).toEqual([next.publicKey]);
  });
});
