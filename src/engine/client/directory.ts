/**
 * Who is who: usernames for identity keys (cached in the contacts table) and verified directory
 * lookups. The server is not trusted to vouch for a hybrid key: we check the identity key's signature.
 */
import { createPublicKey, verify } from 'node:crypto';
import { concatBytes, constantTimeEqual, toHex } from '../../lib/bytes.js';
import { CryptoError } from '../../lib/errors.js';
import { hybridKeySignedBytes, Method } from '../../protocol/index.js';
import { fingerprintOf } from '../identity/index.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import { ClientErrorCode } from './clientErrors.js';

export interface DirectoryEntry {
  username: string;
  identityPublicKey: Uint8Array;
  hybridPublicKey: Uint8Array;
}

const SPKI_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

export function verifyIdentitySignature(
  identityPublicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const key = createPublicKey({
    key: Buffer.from(concatBytes(SPKI_ED25519_PREFIX, identityPublicKey)),
    format: 'der',
    type: 'spki',
  });
  return verify(null, message, key, signature);
}

async function lookup(
  connection: ServerConnection,
  query: { case: 'username'; value: string } | { case: 'identityPublicKey'; value: Uint8Array },
): Promise<DirectoryEntry> {
  const answer = await connection.request(Method.LookupUser, { query });
  const signed = hybridKeySignedBytes(answer.username, answer.identityPublicKey, answer.hybridPublicKey);
  if (!verifyIdentitySignature(answer.identityPublicKey, signed, answer.hybridKeySignature)) {
    throw new CryptoError(
      ClientErrorCode.directoryBadSignature,
      'the directory entry is not signed by its identity key',
      {
        hint: 'the server may be misbehaving; do not invite this user until it is resolved',
      },
    );
  }
  return {
    username: answer.username,
    identityPublicKey: answer.identityPublicKey,
    hybridPublicKey: answer.hybridPublicKey,
  };
}

export async function lookupUsername(
  connection: ServerConnection,
  store: ClientProfileStore,
  username: string,
): Promise<DirectoryEntry> {
  const entry = await lookup(connection, { case: 'username', value: username });
  if (entry.username !== username) {
    throw new CryptoError(ClientErrorCode.directoryWrongUser, 'the directory answered for another username');
  }
  store.contacts.saveUsername(toHex(entry.identityPublicKey), entry.username);
  return entry;
}

/** The verified directory entry of an identity key (its hybrid key, to seal to it). */
export async function lookupIdentityKey(
  connection: ServerConnection,
  store: ClientProfileStore,
  identityKey: Uint8Array,
): Promise<DirectoryEntry> {
  const entry = await lookup(connection, { case: 'identityPublicKey', value: identityKey });
  if (!constantTimeEqual(entry.identityPublicKey, identityKey)) {
    throw new CryptoError(ClientErrorCode.directoryWrongUser, 'the directory answered for another identity');
  }
  store.contacts.saveUsername(toHex(identityKey), entry.username);
  return entry;
}

/**
 * A member's username: from the contacts table, else from the directory (when online), else the short
 * fingerprint so that nothing is ever shown blank.
 */
export async function usernameOf(
  identityKey: Uint8Array,
  store: ClientProfileStore,
  connection: ServerConnection | undefined,
): Promise<string> {
  const hex = toHex(identityKey);
  const known = store.contacts.get(hex)?.username;
  if (known !== null && known !== undefined) return known;
  if (connection?.state === 'online') {
    try {
      const entry = await lookup(connection, { case: 'identityPublicKey', value: identityKey });
      store.contacts.saveUsername(hex, entry.username);
      return entry.username;
    } catch {
      // Unknown to the directory or offline: fall back to the fingerprint below.
    }
  }
  return fingerprintOf(identityKey).short;
}
