/**
 * Delivery proofs of the messages we sent, kept beside the message history so `qpc proof verify` can
 * check them long after sending, and the server signing keys they are checked with. A key the server
 * retires keeps its row: proofs it signed must stay verifiable from the profile alone.
 */
import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { DeliveryProofRepository, KnownSigningKey, StoredDeliveryProof } from './types.js';

interface ProofRow {
  message_id: string;
  recipient: string;
  receipt: Buffer;
  stored_at: number;
}

interface KeyRow {
  key_id: string;
  public_key: Buffer;
  retired_at: number;
}

export class SqliteDeliveryProofRepository implements DeliveryProofRepository {
  readonly #put;
  readonly #list;
  readonly #has;
  readonly #saveKey;
  readonly #keys;
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
    this.#put = db.prepare<[string, string, Buffer, number]>(
      'INSERT OR REPLACE INTO delivery_proofs (message_id, recipient, receipt, stored_at) VALUES (?, ?, ?, ?)',
    );
    this.#list = db.prepare<[string], ProofRow>(
      'SELECT message_id, recipient, receipt, stored_at FROM delivery_proofs WHERE message_id = ? ORDER BY recipient',
    );
    this.#has = db.prepare<[string], { one: number }>(
      'SELECT 1 AS one FROM delivery_proofs WHERE message_id = ? LIMIT 1',
    );
    this.#saveKey = db.prepare<[string, Buffer, number, number]>(
      `INSERT INTO server_signing_keys (key_id, public_key, retired_at, seen_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key_id) DO UPDATE SET retired_at = excluded.retired_at, seen_at = excluded.seen_at`,
    );
    this.#keys = db.prepare<[], KeyRow>(
      'SELECT key_id, public_key, retired_at FROM server_signing_keys ORDER BY retired_at = 0 DESC, retired_at DESC',
    );
  }

  put(proof: StoredDeliveryProof): void {
    this.#put.run(proof.messageId, proof.recipient, Buffer.from(proof.receipt), proof.storedAt);
  }

  list(messageId: string): StoredDeliveryProof[] {
    return this.#list.all(messageId).map((row) => ({
      messageId: row.message_id,
      recipient: row.recipient,
      receipt: new Uint8Array(row.receipt),
      storedAt: row.stored_at,
    }));
  }

  proven(messageIds: readonly string[]): Set<string> {
    return new Set(messageIds.filter((id) => this.#has.get(id) !== undefined));
  }

  saveKeys(keys: readonly KnownSigningKey[], at: number): void {
    this.#db.transaction(() => {
      for (const key of keys) this.#saveKey.run(key.keyId, Buffer.from(key.publicKey), key.retiredAt, at);
    })();
  }

  keys(): KnownSigningKey[] {
    return this.#keys.all().map((row) => ({
      keyId: row.key_id,
      publicKey: new Uint8Array(row.public_key),
      retiredAt: row.retired_at,
    }));
  }
}
