import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SEALED_ACCESS_KEY_HASH_BYTES } from '../../protocol/index.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';

/**
 * Each user's SHA-256 of their sealed-sender access key (SetSealedAccess), and the check SealedSend makes
 * against it. The server keeps the hash, never the key, so a database dump does not let anyone write.
 */
export class SealedAccessStore {
  private readonly statements;
  /**
   * Compared against when a recipient is unknown or has no hash, so that those cases cost the same work
   * (one hash, one lookup, one 32-byte timingSafeEqual) as a wrong token. Random per process: no token
   * can match it.
   */
  private readonly decoyHash = randomBytes(SEALED_ACCESS_KEY_HASH_BYTES);

  constructor(db: ServerDatabase) {
    this.statements = {
      save: db.prepare<[number, Buffer]>(
        'INSERT OR REPLACE INTO sealed_access (user_id, key_hash) VALUES (?, ?)',
      ),
      remove: db.prepare<[number]>('DELETE FROM sealed_access WHERE user_id = ?'),
      // LEFT JOIN: one query shape whether or not the recipient set a hash.
      lookup: db.prepare<[Buffer], { key_hash: Buffer | null }>(
        'SELECT s.key_hash AS key_hash FROM users u LEFT JOIN sealed_access s ON s.user_id = u.id WHERE u.identity_key = ?',
      ),
    };
  }

  /** Replace the user's hash; an empty one removes it (sealed delivery to the user is off). */
  set(userId: number, accessKeyHash: Uint8Array): void {
    if (accessKeyHash.length === 0) this.statements.remove.run(userId);
    else this.statements.save.run(userId, Buffer.from(accessKeyHash));
  }

  /**
   * True only if `recipient` is a user whose stored hash equals SHA-256(accessToken). Unknown recipient,
   * no hash and wrong token all return false after the same steps.
   */
  admits(recipient: Uint8Array, accessToken: Uint8Array): boolean {
    const presented = createHash('sha256').update(accessToken).digest();
    const row = this.statements.lookup.get(Buffer.from(recipient));
    const stored = row?.key_hash ?? null;
    const usable = stored !== null && stored.length === presented.length;
    const equal = timingSafeEqual(presented, usable ? stored : this.decoyHash);
    return usable && equal;
  }
}
