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
    version: 5,
    description: 'trust, learned access keys and self-update state as tables; retired hybrid keys',
    sql: `
      -- One record per contact username (it follows the name across key changes). Keys are lower-case
      -- hex of the Ed25519 identity key; rotated_by_owner is set when the last key change came with a
      -- rotation statement signed by the key the user had verified.
      CREATE TABLE contact_trust (
        username TEXT PRIMARY KEY,
        identity_key TEXT NOT NULL,
        last_seen_key TEXT NOT NULL,
        verified_fingerprint TEXT,
        verified_at INTEGER,
        key_changed_at INTEGER,
        acknowledged INTEGER CHECK (acknowledged IN (0, 1)),
        rotated_by_owner INTEGER NOT NULL DEFAULT 0 CHECK (rotated_by_owner IN (0, 1))
      );
      -- Sealed-sender access keys other members shared with us inside MLS, by their identity key (hex).
      CREATE TABLE peer_access_keys (
        identity_key TEXT PRIMARY KEY,
        access_key BLOB NOT NULL,
        learned_at INTEGER NOT NULL
      );
      -- Per group: when our own leaf was last refreshed and how many messages we sent since.
      CREATE TABLE self_update_state (
        group_id TEXT PRIMARY KEY,
        last_update_at INTEGER NOT NULL,
        messages_since_update INTEGER NOT NULL
      );
      -- Hybrid key pairs replaced by a rotation, kept until wipe_after so that Welcomes and sealed
      -- envelopes sealed to them while they were published still open; deleted after.
      CREATE TABLE retired_hybrid_keys (
        public_key BLOB PRIMARY KEY,
        private_key BLOB NOT NULL,
        retired_at INTEGER NOT NULL,
        wipe_after INTEGER NOT NULL
      );

      INSERT INTO contact_trust (username, identity_key, last_seen_key, verified_fingerprint, verified_at,
                                 key_changed_at, acknowledged)
        SELECT substr(key, length('trust.contact.') + 1),
               lower(json_extract(value, '$.identityKey')),
               lower(json_extract(value, '$.lastSeenKey')),
               json_extract(value, '$.verifiedFingerprint'),
               json_extract(value, '$.verifiedAt'),
               json_extract(value, '$.keyChangedAt'),
               json_extract(value, '$.acknowledged')
          FROM settings
         WHERE substr(key, 1, length('trust.contact.')) = 'trust.contact.' AND json_valid(value)
           AND json_type(value, '$.identityKey') = 'text' AND json_type(value, '$.lastSeenKey') = 'text';
      DELETE FROM settings
       WHERE substr(key, 1, length('trust.contact.')) = 'trust.contact.' OR key = 'trust.usernames';

      INSERT INTO peer_access_keys (identity_key, access_key, learned_at)
        SELECT lower(substr(key, length('privacy.sealed.peer.') + 1)), unhex(value), 0
          FROM settings
         WHERE substr(key, 1, length('privacy.sealed.peer.')) = 'privacy.sealed.peer.'
           AND unhex(value) IS NOT NULL;
      DELETE FROM settings WHERE substr(key, 1, length('privacy.sealed.peer.')) = 'privacy.sealed.peer.';

      INSERT INTO self_update_state (group_id, last_update_at, messages_since_update)
        SELECT substr(key, length('privacy.self_update.state.') + 1),
               json_extract(value, '$.lastUpdateAt'),
               json_extract(value, '$.messagesSinceUpdate')
          FROM settings
         WHERE substr(key, 1, length('privacy.self_update.state.')) = 'privacy.self_update.state.'
           AND json_valid(value)
           AND json_type(value, '$.lastUpdateAt') IN ('integer', 'real')
           AND json_type(value, '$.messagesSinceUpdate') = 'integer';
      DELETE FROM settings
       WHERE substr(key, 1, length('privacy.self_update.state.')) = 'privacy.self_update.state.';
    `,
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
