import type { ServerDatabase } from '../storage/openServerDatabase.js';

/**
 * The identity-key signature over each user's hybrid key (hybridKeySignedBytes), so that LookupUser can
 * hand it out and clients check the key themselves instead of trusting the server.
 */
export class HybridKeyStore {
  private readonly statements;

  constructor(db: ServerDatabase) {
    this.statements = {
      save: db.prepare<[number, Buffer]>(
        'INSERT OR REPLACE INTO hybrid_key_signatures (user_id, signature) VALUES (?, ?)',
      ),
      get: db.prepare<[number], { signature: Buffer }>(
        'SELECT signature FROM hybrid_key_signatures WHERE user_id = ?',
      ),
      updateKey: db.prepare<[Buffer, number]>('UPDATE users SET hybrid_key = ? WHERE id = ?'),
    };
    this.replace = db.transaction((userId: number, hybridKey: Uint8Array, signature: Uint8Array) => {
      this.statements.updateKey.run(Buffer.from(hybridKey), userId);
      this.statements.save.run(userId, Buffer.from(signature));
    });
  }

  /** Replace the user's hybrid key and its signature together (PublishKeys). */
  readonly replace: (userId: number, hybridKey: Uint8Array, signature: Uint8Array) => void;

  saveSignature(userId: number, signature: Uint8Array): void {
    this.statements.save.run(userId, Buffer.from(signature));
  }

  signature(userId: number): Uint8Array | undefined {
    const row = this.statements.get.get(userId);
    return row === undefined ? undefined : new Uint8Array(row.signature);
  }
}
