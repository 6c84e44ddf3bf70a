/**
 * Server side of an identity rotation (docs/protocol.md, "Identity rotation"): PublishKeys with an
 * identity_rotation replaces the caller's identity key, but only when the key registered now and the new
 * key both signed the rotation statement. The old key is kept as an alias of the account, so messages
 * members still address to it (they have not processed the rotation commit yet) land in the account's
 * queue under its new key; a later account can never register it.
 */
import { identityRotationSignedBytes } from '../../protocol/index.js';
import { constantTimeEqual } from '../../lib/bytes.js';
import type { IdentityRotation } from '../../protocol/index.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import { verifyEd25519 } from '../app/verifyIdentitySignature.js';

/** Migration (server): each retired identity key and the account it belonged to. */
export const RETIRED_IDENTITY_KEYS_MIGRATION = `
  CREATE TABLE retired_identity_keys (
    identity_key BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    retired_at INTEGER NOT NULL
  ) WITHOUT ROWID;
`;

export type RotationVerdict = 'rotate' | 'already-rotated' | 'refused';

/**
 * Does `rotation` move `username` from `registeredKey` to its new key, signed by both? A retry after
 * the rotation went through (the registered key is already the new one) is 'already-rotated' when the
 * new key's signature still verifies: the previous key is not needed for that, so it is not checked.
 */
export function judgeRotation(
  username: string,
  registeredKey: Uint8Array,
  rotation: IdentityRotation,
  previousKey: Uint8Array = registeredKey,
): RotationVerdict {
  const body = {
    username,
    previousKey,
    newKey: rotation.newIdentityKey,
    keyIndex: rotation.keyIndex,
    issuedAt: Number(rotation.issuedAtMs),
  };
  if (rotation.issuedAtMs > BigInt(Number.MAX_SAFE_INTEGER) || previousKey.length !== 32) return 'refused';
  let signed: Uint8Array;
  try {
    signed = identityRotationSignedBytes(body);
  } catch {
    // Malformed fields (lengths, name): such a statement was never signed by a client of ours.
    return 'refused';
  }
  const ok =
    verifyEd25519(previousKey, signed, rotation.previousSignature) &&
    verifyEd25519(rotation.newIdentityKey, signed, rotation.newSignature);
  if (!ok) return 'refused';
  return constantTimeEqual(registeredKey, rotation.newIdentityKey) ? 'already-rotated' : 'rotate';
}

export class IdentityKeyHistory {
  private readonly statements;
  readonly replace: (userId: number, oldKey: Uint8Array, newKey: Uint8Array, now: number) => void;

  constructor(db: ServerDatabase) {
    this.statements = {
      user: db.prepare<[Buffer, number]>('UPDATE users SET identity_key = ? WHERE id = ?'),
      sessions: db.prepare<[Buffer, number]>('UPDATE sessions SET identity_key = ? WHERE user_id = ?'),
      queue: db.prepare<[Buffer, Buffer]>('UPDATE queue SET recipient = ? WHERE recipient = ?'),
      retire: db.prepare<[Buffer, number, number]>(
        'INSERT OR REPLACE INTO retired_identity_keys (identity_key, user_id, retired_at) VALUES (?, ?, ?)',
      ),
      current: db.prepare<[Buffer], { identity_key: Buffer }>(
        'SELECT u.identity_key AS identity_key FROM retired_identity_keys r JOIN users u ON u.id = r.user_id WHERE r.identity_key = ?',
      ),
      previous: db.prepare<[number], { identity_key: Buffer }>(
        'SELECT identity_key FROM retired_identity_keys WHERE user_id = ? ORDER BY retired_at DESC LIMIT 1',
      ),
    };
    // One transaction: the account, its sessions and its waiting messages move to the new key together.
    this.replace = db.transaction((userId: number, oldKey: Uint8Array, newKey: Uint8Array, now: number) => {
      const next = Buffer.from(newKey);
      this.statements.user.run(next, userId);
      this.statements.sessions.run(next, userId);
      this.statements.queue.run(next, Buffer.from(oldKey));
      this.statements.retire.run(Buffer.from(oldKey), userId, now);
    });
  }

  /** The key to deliver to: the account's current key for a retired one, else `key` itself. */
  currentKey(key: Uint8Array): Uint8Array {
    const row = this.statements.current.get(Buffer.from(key));
    return row === undefined ? key : new Uint8Array(row.identity_key);
  }

  /** The key the account had before its latest rotation, if it rotated. */
  previousKey(userId: number): Uint8Array | undefined {
    const row = this.statements.previous.get(userId);
    return row === undefined ? undefined : new Uint8Array(row.identity_key);
  }
}
