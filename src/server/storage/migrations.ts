import { DELIVERY_PROOFS_MIGRATION } from '../delivery/deliveryProofsSchema.js';
import { RETIRED_IDENTITY_KEYS_MIGRATION } from '../directory/identityRotation.js';
import { OPAQUE_GENERATION_MIGRATION } from '../auth/opaqueSetupGeneration.js';
import type { ServerDatabase } from './openServerDatabase.js';

/**
 * Schema history. Each entry runs once, in order, inside a transaction; PRAGMA user_version records how
 * far a database got. Never edit a released entry: append a new one.
 */
export const SERVER_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE server_state (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
  );
  CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    registration_record TEXT NOT NULL,
    identity_key BLOB NOT NULL UNIQUE,
    hybrid_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    identity_key BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_by_expiry ON sessions(expires_at);
  CREATE TABLE key_packages (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    ref BLOB NOT NULL UNIQUE,
    cipher_suite TEXT NOT NULL,
    package BLOB NOT NULL,
    last_resort INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    not_after INTEGER NOT NULL,
    uploaded_at INTEGER NOT NULL
  );
  CREATE INDEX key_packages_by_user ON key_packages(user_id, last_resort, id);
  CREATE TABLE queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient BLOB NOT NULL,
    payload BLOB NOT NULL,
    enqueued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX queue_by_recipient ON queue(recipient, id);
  CREATE INDEX queue_by_expiry ON queue(expires_at);
  CREATE TABLE group_epochs (
    group_id_hash BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    committed_at INTEGER NOT NULL,
    PRIMARY KEY (group_id_hash, epoch)
  ) WITHOUT ROWID;
  `,
  // 2: what the wire needs beside the queues (src/server/app): the sender and commit label of each
  // queued copy, Enqueue answers remembered for client_message_id idempotency, and the identity
  // signature over each user's hybrid key that LookupUser hands out.
  `
  CREATE TABLE queue_meta (
    message_id INTEGER PRIMARY KEY,
    sender BLOB NOT NULL,
    group_id BLOB,
    epoch INTEGER
  );
  CREATE TRIGGER queue_meta_follows_queue AFTER DELETE ON queue
  BEGIN
    DELETE FROM queue_meta WHERE message_id = old.id;
  END;
  CREATE TABLE enqueue_receipts (
    sender BLOB NOT NULL,
    client_message_id BLOB NOT NULL,
    server_time_ms INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (sender, client_message_id)
  ) WITHOUT ROWID;
  CREATE INDEX enqueue_receipts_by_age ON enqueue_receipts(created_at);
  CREATE TABLE hybrid_key_signatures (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    signature BLOB NOT NULL
  );
  `,
  // 3: sealed sender. Each user's SHA-256 of their sealed-sender access key (SetSealedAccess). Sealed
  // messages themselves need no table: they are queue rows with no queue_meta row (no sender stamp).
  `
  CREATE TABLE sealed_access (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    key_hash BLOB NOT NULL
  );
  `,
  // 4: delivery proofs (per-queue sequences, proofs remembered with their Enqueue answer).
  DELIVERY_PROOFS_MIGRATION,
  // Identity rotation: retired identity keys stay aliases of their account (directory/identityRotation.ts).
  RETIRED_IDENTITY_KEYS_MIGRATION,
  // The OPAQUE setup generation each account's record was made under (server_state holds the current
  // one, `opaque_setup_generation`): a record from an older setup needs re-registration (docs/server.md).
  OPAQUE_GENERATION_MIGRATION,
];

/** Bring the schema up to date; returns the version reached. */
export function migrateServerDatabase(db: ServerDatabase): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let version = current; version < SERVER_MIGRATIONS.length; version++) {
    const sql = SERVER_MIGRATIONS[version] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return SERVER_MIGRATIONS.length;
}
