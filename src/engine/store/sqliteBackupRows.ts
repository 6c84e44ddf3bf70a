/**
 * The rows an encrypted backup carries, read and written as whole tables: contacts, the settings a
 * backup keeps, and the message history. Group states, KeyPackages, the outbox and held messages are
 * never read here: MLS states restored from a backup would fork their groups.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import { withStorageErrors } from './storageErrors.js';

type Database = Sqlite.Database;

export interface BackupContactRow {
  identityKey: string;
  username: string | null;
  verifiedFingerprint: string | null;
  verifiedAt: number | null;
}

export interface BackupMessageRow {
  id: string;
  groupId: string;
  sender: string;
  direction: 'in' | 'out';
  text: string;
  /** MLS epoch as decimal text (a uint64). */
  epoch: string;
  sentAt: number;
  receivedAt: number;
  kind: string;
}

export interface BackupSettingRow {
  key: string;
  value: string;
}

export interface BackupRows {
  contacts: BackupContactRow[];
  settings: BackupSettingRow[];
  messages: BackupMessageRow[];
}

export interface BackupRowCounts {
  contacts: number;
  settings: number;
  /** Messages written; those already in the profile (same id) are skipped. */
  messages: number;
}

/** Settings rows whose key `keep` accepts, in key order; every contact and message in arrival order. */
export function readBackupRows(db: Database, keep: (key: string) => boolean): BackupRows {
  return withStorageErrors(db.name, () => {
    const contacts = db
      .prepare<
        [],
        {
          identity_key: string;
          username: string | null;
          verified_fingerprint: string | null;
          verified_at: number | null;
        }
      >(
        'SELECT identity_key, username, verified_fingerprint, verified_at FROM contacts ORDER BY identity_key',
      )
      .all()
      .map((row) => ({
        identityKey: row.identity_key,
        username: row.username,
        verifiedFingerprint: row.verified_fingerprint,
        verifiedAt: row.verified_at,
      }));
    const settings = db
      .prepare<[], BackupSettingRow>('SELECT key, value FROM settings ORDER BY key')
      .all()
      .filter((row) => keep(row.key));
    const messages = db
      .prepare<
        [],
        {
          id: string;
          group_id: string;
          sender: string;
          direction: 'in' | 'out';
          text: string;
          epoch: string;
          sent_at: number;
          received_at: number;
          kind: string;
        }
      >(
        `SELECT id, group_id, sender, direction, text, epoch, sent_at, received_at, kind
         FROM messages ORDER BY seq`,
      )
      .all()
      .map((row) => ({
        id: row.id,
        groupId: row.group_id,
        sender: row.sender,
        direction: row.direction,
        text: row.text,
        epoch: row.epoch,
        sentAt: row.sent_at,
        receivedAt: row.received_at,
        kind: row.kind,
      }));
    return { contacts, settings, messages };
  });
}

/**
 * Writes the rows inside the caller's transaction. A contact already known keeps what it has and gains
 * the backup's username and verification where it has none; settings are replaced; messages already
 * present (same id) are kept as they are. Restored messages count as read.
 */
export function writeBackupRows(db: Database, rows: BackupRows): BackupRowCounts {
  return withStorageErrors(db.name, () => {
    const contact = db.prepare(
      `INSERT INTO contacts (identity_key, username, verified_fingerprint, verified_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (identity_key) DO UPDATE SET
         username = COALESCE(contacts.username, excluded.username),
         verified_fingerprint = COALESCE(contacts.verified_fingerprint, excluded.verified_fingerprint),
         verified_at = COALESCE(contacts.verified_at, excluded.verified_at)`,
    );
    for (const row of rows.contacts) {
      contact.run(row.identityKey, row.username, row.verifiedFingerprint, row.verifiedAt);
    }
    const setting = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    for (const row of rows.settings) setting.run(row.key, row.value);
    const message = db.prepare(
      `INSERT OR IGNORE INTO messages (id, group_id, sender, direction, text, epoch, sent_at, received_at, kind)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let written = 0;
    for (const row of rows.messages) {
      written += message.run(
        row.id,
        row.groupId,
        row.sender,
        row.direction,
        row.text,
        row.epoch,
        row.sentAt,
        row.receivedAt,
        row.kind,
      ).changes;
    }
    db.prepare(
      `INSERT INTO read_markers (group_id, last_read_seq, read_at)
         SELECT group_id, MAX(seq), 0 FROM messages WHERE true GROUP BY group_id
       ON CONFLICT (group_id) DO UPDATE SET last_read_seq = MAX(read_markers.last_read_seq, excluded.last_read_seq)`,
    ).run();
    return { contacts: rows.contacts.length, settings: rows.settings.length, messages: written };
  });
}
