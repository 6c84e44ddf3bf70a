/**
 * Repositories for the tables migration 2 created for the network client: settings, server pins, the
 * outbox and contacts. Same conventions as sqliteRepositories.ts: prepared once, blobs copied, every
 * SQLite failure turned into a typed StorageError.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type {
  ContactRecord,
  ContactRepository,
  InboxEntry,
  InboxRepository,
  OutboxEntry,
  OutboxRepository,
  ServerPinRepository,
  SettingsRepository,
} from './types.js';
import { messageKindOf } from './types.js';
import { asBlob, epochFromText, ownBlob } from './sqliteRepositories.js';
import { withStorageErrors } from './storageErrors.js';

type Database = Sqlite.Database;

export class SqliteSettingsRepository implements SettingsRepository {
  readonly #file: string;
  readonly #get;
  readonly #set;
  readonly #delete;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.#set = db.prepare(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
    this.#delete = db.prepare('DELETE FROM settings WHERE key = ?');
  }

  get(key: string): string | undefined {
    return withStorageErrors(this.#file, () => this.#get.get(key))?.value;
  }

  set(key: string, value: string): void {
    withStorageErrors(this.#file, () => this.#set.run(key, value));
  }

  delete(key: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(key));
  }
}

export class SqliteServerPinRepository implements ServerPinRepository {
  readonly #file: string;
  readonly #get;
  readonly #set;
  readonly #delete;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], { certificate_sha256: string }>(
      'SELECT certificate_sha256 FROM server_pins WHERE server = ?',
    );
    this.#set = db.prepare(
      `INSERT INTO server_pins (server, certificate_sha256, pinned_at) VALUES (?, ?, ?)
       ON CONFLICT (server) DO UPDATE SET certificate_sha256 = excluded.certificate_sha256,
       pinned_at = excluded.pinned_at`,
    );
    this.#delete = db.prepare('DELETE FROM server_pins WHERE server = ?');
  }

  get(server: string): string | undefined {
    return withStorageErrors(this.#file, () => this.#get.get(server))?.certificate_sha256;
  }

  set(server: string, certificateSha256: string, pinnedAt: number): void {
    withStorageErrors(this.#file, () => this.#set.run(server, certificateSha256, pinnedAt));
  }

  delete(server: string): boolean {
    return withStorageErrors(this.#file, () => this.#delete.run(server)).changes > 0;
  }
}

interface OutboxRow {
  id: string;
  group_id: string;
  payload: Buffer;
  created_at: number;
  attempts: number;
}

export class SqliteOutboxRepository implements OutboxRepository {
  readonly #file: string;
  readonly #put;
  readonly #list;
  readonly #delete;
  readonly #attempt;
  readonly #count;

  constructor(db: Database) {
    this.#file = db.name;
    // An id already queued keeps its first payload: a retry must never turn into a second message.
    this.#put = db.prepare(
      'INSERT OR IGNORE INTO outbox (id, group_id, payload, created_at, attempts) VALUES (?, ?, ?, ?, ?)',
    );
    this.#list = db.prepare<[], OutboxRow>('SELECT * FROM outbox ORDER BY created_at, rowid');
    this.#delete = db.prepare('DELETE FROM outbox WHERE id = ?');
    this.#attempt = db.prepare('UPDATE outbox SET attempts = attempts + 1 WHERE id = ?');
    this.#count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox');
  }

  put(entry: OutboxEntry): void {
    withStorageErrors(this.#file, () =>
      this.#put.run(entry.id, entry.groupId, asBlob(entry.payload), entry.createdAt, entry.attempts),
    );
  }

  list(): OutboxEntry[] {
    return withStorageErrors(this.#file, () => this.#list.all()).map((row) => ({
      id: row.id,
      groupId: row.group_id,
      payload: ownBlob(row.payload),
      createdAt: row.created_at,
      attempts: row.attempts,
    }));
  }

  delete(id: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(id));
  }

  recordAttempt(id: string): void {
    withStorageErrors(this.#file, () => this.#attempt.run(id));
  }

  count(): number {
    return withStorageErrors(this.#file, () => this.#count.get())?.n ?? 0;
  }
}

interface ContactRow {
  identity_key: string;
  username: string | null;
  verified_fingerprint: string | null;
  verified_at: number | null;
}

export class SqliteContactRepository implements ContactRepository {
  readonly #file: string;
  readonly #get;
  readonly #saveUsername;
  readonly #markVerified;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE identity_key = ?');
    this.#saveUsername = db.prepare(
      `INSERT INTO contacts (identity_key, username) VALUES (?, ?)
       ON CONFLICT (identity_key) DO UPDATE SET username = excluded.username`,
    );
    this.#markVerified = db.prepare(
      `INSERT INTO contacts (identity_key, verified_fingerprint, verified_at) VALUES (?, ?, ?)
       ON CONFLICT (identity_key) DO UPDATE SET verified_fingerprint = excluded.verified_fingerprint,
       verified_at = excluded.verified_at`,
    );
  }

  get(identityKey: string): ContactRecord | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(identityKey));
    if (row === undefined) return undefined;
    return {
      identityKey: row.identity_key,
      username: row.username,
      verifiedFingerprint: row.verified_fingerprint,
      verifiedAt: row.verified_at,
    };
  }

  saveUsername(identityKey: string, username: string): void {
    withStorageErrors(this.#file, () => this.#saveUsername.run(identityKey, username));
  }

  markVerified(identityKey: string, fingerprint: string, at: number): void {
    withStorageErrors(this.#file, () => this.#markVerified.run(identityKey, fingerprint, at));
  }
}

interface InboxRow {
  seq: number;
  id: string;
  group_id: string;
  sender: string;
  text: string;
  epoch: string;
  sent_at: number;
  received_at: number;
  kind: string;
}

export class SqliteInboxRepository implements InboxRepository {
  readonly #file: string;
  readonly #after;

  constructor(db: Database) {
    this.#file = db.name;
    this.#after = db.prepare<[number, number], InboxRow>(
      // Every membership change, ours included (a bot reading the inbox learns its invite went through),
      // and every message from others: our own are not news to us.
      "SELECT * FROM messages WHERE seq > ? AND (direction = 'in' OR kind = 'membership') ORDER BY seq LIMIT ?",
    );
  }

  after(seq: number, limit: number): InboxEntry[] {
    return withStorageErrors(this.#file, () => this.#after.all(seq, limit)).map((row) => ({
      seq: row.seq,
      message: {
        id: row.id,
        groupId: row.group_id,
        sender: row.sender,
        direction: 'in',
        text: row.text,
        epoch: epochFromText(row.epoch),
        sentAt: row.sent_at,
        receivedAt: row.received_at,
        kind: messageKindOf(row.kind),
      },
    }));
  }
}
