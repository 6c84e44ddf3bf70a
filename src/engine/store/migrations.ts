/**
 * Schema of the profile database as an ordered list of migrations. `PRAGMA user_version` holds the number
 * of the last one applied; each runs in its own transaction together with the version bump, so a crash
 * leaves the schema at a whole version. Never edit a shipped migration: append a new one.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';

type Database = Sqlite.Database;
import { StorageError } from '../../lib/errors.js';
import { StoreErrorCode } from './storageErrors.js';

export interface Migration {
  /** 1, 2, 3... in order, with no gaps. */
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'identity, groups, key packages, messages',
    sql: `
      CREATE TABLE identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        signing_private_key BLOB NOT NULL,
        signing_public_key BLOB NOT NULL,
        hybrid_private_key BLOB NOT NULL,
        hybrid_public_key BLOB NOT NULL,
        username TEXT,
        created_at INTEGER NOT NULL
      );
      -- epoch is an MLS uint64, which does not fit SQLite's signed 64-bit INTEGER: kept as decimal text.
      CREATE TABLE groups (
        group_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        ciphersuite TEXT NOT NULL,
        epoch TEXT NOT NULL,
        state BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE key_packages (
        ref TEXT PRIMARY KEY,
        ciphersuite TEXT NOT NULL,
        public_package BLOB NOT NULL,
        private_package BLOB NOT NULL,
        last_resort INTEGER NOT NULL CHECK (last_resort IN (0, 1)),
        created_at INTEGER NOT NULL
      );
      -- seq orders messages received in the same millisecond; id (hash of the MLS message) dedupes.
      CREATE TABLE messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        group_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        text TEXT NOT NULL,
        epoch TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        received_at INTEGER NOT NULL
      );
      CREATE INDEX messages_by_group_time ON messages (group_id, received_at, seq);
    `,
  },
  {
    version: 2,
    description: 'contacts, server pins, outbox, settings (used by later issues)',
    sql: `
      CREATE TABLE contacts (
        identity_key TEXT PRIMARY KEY,
        username TEXT,
        verified_fingerprint TEXT,
        verified_at INTEGER
      );
      CREATE TABLE server_pins (
        server TEXT PRIMARY KEY,
        certificate_sha256 TEXT NOT NULL,
        pinned_at INTEGER NOT NULL
      );
      CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL,
        payload BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX outbox_by_time ON outbox (created_at);
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    description: 'pending commits, held incoming messages, dropped-message timeline entries',
    sql: `
      -- Our own commit, staged but not merged: at most one per group. stage 'commit' waits for the
      -- server's answer; stage 'welcome' means the commit is merged and the sealed Welcome still has to go.
      CREATE TABLE pending_commits (
        group_id TEXT PRIMARY KEY,
        stage TEXT NOT NULL CHECK (stage IN ('commit', 'welcome')),
        client_message_id TEXT NOT NULL,
        epoch TEXT NOT NULL,
        commit_message BLOB,
        staged_state BLOB,
        welcome_message_id TEXT,
        welcome_recipient BLOB,
        welcome_payload BLOB,
        created_at INTEGER NOT NULL
      );
      -- Incoming messages that cannot be processed yet (future epoch, group not joined yet).
      CREATE TABLE held_incoming (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        group_id TEXT NOT NULL,
        sealed INTEGER NOT NULL CHECK (sealed IN (0, 1)),
        payload BLOB NOT NULL,
        code TEXT NOT NULL,
        held_at INTEGER NOT NULL
      );
      CREATE INDEX held_incoming_by_group ON held_incoming (group_id, seq);
      -- 'text' for a chat message; 'dropped' for an incoming message that could never be read (the
      -- text then holds the error code).
      ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text';
    `,
  },
  {
    version: 4,
    description: 'read markers: how far each group has been read, so unread counts survive a restart',
    sql: `
      CREATE TABLE read_markers (
        group_id TEXT PRIMARY KEY,
        last_read_seq INTEGER NOT NULL,
        read_at INTEGER NOT NULL
      );
      -- A profile from before this version counts what it already holds as read, not as unread.
      INSERT INTO read_markers (group_id, last_read_seq, read_at)
        SELECT group_id, MAX(seq), 0 FROM messages GROUP BY group_id;
    `,
  },
  {
    // Number 5 belongs to the identity-rotation migration of a parallel branch. This empty stand-in
    // keeps the numbering contiguous here; the real one replaces it when both branches meet.
    version: 5,
    description: 'reserved (identity rotation)',
    sql: '',
  },
  {
    version: 6,
    description: 'delivery proofs of sent messages and the server signing keys that check them',
    sql: `
      -- One signed DeliveryReceipt (protobuf bytes) per recipient of a message we sent by Enqueue.
      CREATE TABLE delivery_proofs (
        message_id TEXT NOT NULL,
        recipient TEXT NOT NULL,
        receipt BLOB NOT NULL,
        stored_at INTEGER NOT NULL,
        PRIMARY KEY (message_id, recipient)
      ) WITHOUT ROWID;
      -- Every signing key the server has published (Ping), current and retired, by key id (hex).
      CREATE TABLE server_signing_keys (
        key_id TEXT PRIMARY KEY,
        public_key BLOB NOT NULL,
        retired_at INTEGER NOT NULL,
        seen_at INTEGER NOT NULL
      );
    `,
  },
];

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Applies every migration newer than the file's version. Returns the versions applied (empty when the
 * schema is current). A file from a newer qpc is refused rather than written with an older schema.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const latest = migrations.at(-1)?.version ?? 0;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new StorageError(
      StoreErrorCode.schemaTooNew,
      `the profile database has schema version ${current}; this qpc knows up to ${latest}`,
      { hint: 'Upgrade qpc to open this profile.' },
    );
  }
  const applied: number[] = [];
  for (const [index, migration] of migrations.entries()) {
    if (migration.version !== index + 1) {
      throw new StorageError(
        StoreErrorCode.migrationOrder,
        `migration ${index + 1} is numbered ${migration.version}`,
      );
    }
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    applied.push(migration.version);
  }
  return applied;
}
