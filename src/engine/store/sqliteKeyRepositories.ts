/**
 * Repositories for the tables of migration 5: contact trust, learned access keys, per-group self-update
 * state and retired hybrid keys. Each row is read into its typed record column by column (no JSON, no
 * casts of stored text); blobs are copied out so the caller may wipe them.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type {
  ContactTrustRecord,
  ContactTrustRepository,
  PeerAccessKeyRepository,
  RetiredHybridKeyRecord,
  RetiredHybridKeyRepository,
  SelfUpdateState,
  SelfUpdateStateRepository,
} from './types.js';
import { asBlob, ownBlob } from './sqliteRepositories.js';
import { withStorageErrors } from './storageErrors.js';

type Database = Sqlite.Database;

interface TrustRow {
  username: string;
  identity_key: string;
  last_seen_key: string;
  verified_fingerprint: string | null;
  verified_at: number | null;
  key_changed_at: number | null;
  acknowledged: number | null;
  rotated_by_owner: number;
}

function trustOf(row: TrustRow): ContactTrustRecord {
  return {
    username: row.username,
    identityKey: row.identity_key,
    lastSeenKey: row.last_seen_key,
    ...(row.verified_fingerprint === null ? {} : { verifiedFingerprint: row.verified_fingerprint }),
    ...(row.verified_at === null ? {} : { verifiedAt: row.verified_at }),
    ...(row.key_changed_at === null ? {} : { keyChangedAt: row.key_changed_at }),
    ...(row.acknowledged === null ? {} : { acknowledged: row.acknowledged === 1 }),
    ...(row.rotated_by_owner === 1 ? { rotatedByOwner: true } : {}),
  };
}

const flag = (value: boolean | undefined): number | null => (value === undefined ? null : value ? 1 : 0);

export class SqliteContactTrustRepository implements ContactTrustRepository {
  readonly #file: string;
  readonly #get;
  readonly #list;
  readonly #save;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], TrustRow>('SELECT * FROM contact_trust WHERE username = ?');
    this.#list = db.prepare<[], TrustRow>('SELECT * FROM contact_trust ORDER BY username');
    this.#save = db.prepare(
      `INSERT OR REPLACE INTO contact_trust (username, identity_key, last_seen_key, verified_fingerprint,
         verified_at, key_changed_at, acknowledged, rotated_by_owner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  get(username: string): ContactTrustRecord | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(username));
    return row === undefined ? undefined : trustOf(row);
  }

  list(): ContactTrustRecord[] {
    return withStorageErrors(this.#file, () => this.#list.all()).map(trustOf);
  }

  save(record: ContactTrustRecord): void {
    withStorageErrors(this.#file, () =>
      this.#save.run(
        record.username,
        record.identityKey,
        record.lastSeenKey,
        record.verifiedFingerprint ?? null,
        record.verifiedAt ?? null,
        record.keyChangedAt ?? null,
        flag(record.acknowledged),
        record.rotatedByOwner === true ? 1 : 0,
      ),
    );
  }
}

export class SqlitePeerAccessKeyRepository implements PeerAccessKeyRepository {
  readonly #file: string;
  readonly #get;
  readonly #save;
  readonly #delete;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], { access_key: Buffer }>(
      'SELECT access_key FROM peer_access_keys WHERE identity_key = ?',
    );
    this.#save = db.prepare(
      'INSERT OR REPLACE INTO peer_access_keys (identity_key, access_key, learned_at) VALUES (?, ?, ?)',
    );
    this.#delete = db.prepare('DELETE FROM peer_access_keys WHERE identity_key = ?');
  }

  get(identityKey: string): Uint8Array | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(identityKey.toLowerCase()));
    return row === undefined ? undefined : ownBlob(row.access_key);
  }

  save(identityKey: string, accessKey: Uint8Array, learnedAt: number): void {
    withStorageErrors(this.#file, () =>
      this.#save.run(identityKey.toLowerCase(), asBlob(accessKey), learnedAt),
    );
  }

  delete(identityKey: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(identityKey.toLowerCase()));
  }
}

export class SqliteSelfUpdateStateRepository implements SelfUpdateStateRepository {
  readonly #file: string;
  readonly #get;
  readonly #save;
  readonly #delete;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], { last_update_at: number; messages_since_update: number }>(
      'SELECT last_update_at, messages_since_update FROM self_update_state WHERE group_id = ?',
    );
    this.#save = db.prepare(
      `INSERT OR REPLACE INTO self_update_state (group_id, last_update_at, messages_since_update)
       VALUES (?, ?, ?)`,
    );
    this.#delete = db.prepare('DELETE FROM self_update_state WHERE group_id = ?');
  }

  get(groupId: string): SelfUpdateState | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(groupId));
    return row === undefined
      ? undefined
      : { lastUpdateAt: row.last_update_at, messagesSinceUpdate: row.messages_since_update };
  }

  save(groupId: string, state: SelfUpdateState): void {
    withStorageErrors(this.#file, () =>
      this.#save.run(groupId, state.lastUpdateAt, state.messagesSinceUpdate),
    );
  }

  delete(groupId: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(groupId));
  }
}

interface RetiredRow {
  public_key: Buffer;
  private_key: Buffer;
  retired_at: number;
  wipe_after: number;
}

export class SqliteRetiredHybridKeyRepository implements RetiredHybridKeyRepository {
  readonly #file: string;
  readonly #add;
  readonly #list;
  readonly #deleteExpired;

  constructor(db: Database) {
    this.#file = db.name;
    this.#add = db.prepare(
      `INSERT OR REPLACE INTO retired_hybrid_keys (public_key, private_key, retired_at, wipe_after)
       VALUES (?, ?, ?, ?)`,
    );
    this.#list = db.prepare<[], RetiredRow>(
      'SELECT * FROM retired_hybrid_keys ORDER BY retired_at DESC, rowid DESC',
    );
    // secure_delete is on for the profile, so the deleted private keys are overwritten in the file.
    this.#deleteExpired = db.prepare('DELETE FROM retired_hybrid_keys WHERE wipe_after <= ?');
  }

  add(record: RetiredHybridKeyRecord): void {
    withStorageErrors(this.#file, () =>
      this.#add.run(asBlob(record.publicKey), asBlob(record.privateKey), record.retiredAt, record.wipeAfter),
    );
  }

  list(): RetiredHybridKeyRecord[] {
    return withStorageErrors(this.#file, () => this.#list.all()).map((row) => ({
      publicKey: ownBlob(row.public_key),
      privateKey: ownBlob(row.private_key),
      retiredAt: row.retired_at,
      wipeAfter: row.wipe_after,
    }));
  }

  deleteExpired(now: number): number {
    return withStorageErrors(this.#file, () => this.#deleteExpired.run(now)).changes;
  }
}
