/**
 * Repositories for the tables of migration 3: our pending (staged, unmerged) commits and incoming
 * messages held until they can be processed. Same conventions as sqliteRepositories.ts.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import type {
  HeldIncomingRecord,
  HeldIncomingRepository,
  PendingCommitRecord,
  PendingCommitRepository,
} from './types.js';
import { asBlob, epochFromText, epochToText, ownBlob } from './sqliteRepositories.js';
import { withStorageErrors } from './storageErrors.js';

type Database = Sqlite.Database;

interface PendingCommitRow {
  group_id: string;
  stage: string;
  client_message_id: string;
  epoch: string;
  commit_message: Buffer | null;
  staged_state: Buffer | null;
  welcome_message_id: string | null;
  welcome_recipient: Buffer | null;
  welcome_payload: Buffer | null;
  created_at: number;
}

function optionalBlob(value: Buffer | null): Uint8Array | undefined {
  return value === null ? undefined : ownBlob(value);
}

function pendingFromRow(row: PendingCommitRow): PendingCommitRecord {
  const record: PendingCommitRecord = {
    groupId: row.group_id,
    stage: row.stage === 'welcome' ? 'welcome' : 'commit',
    clientMessageId: row.client_message_id,
    epoch: epochFromText(row.epoch),
    createdAt: row.created_at,
  };
  const commitMessage = optionalBlob(row.commit_message);
  const stagedState = optionalBlob(row.staged_state);
  const welcomeRecipient = optionalBlob(row.welcome_recipient);
  const welcomePayload = optionalBlob(row.welcome_payload);
  if (commitMessage !== undefined) record.commitMessage = commitMessage;
  if (stagedState !== undefined) record.stagedState = stagedState;
  if (row.welcome_message_id !== null) record.welcomeMessageId = row.welcome_message_id;
  if (welcomeRecipient !== undefined) record.welcomeRecipient = welcomeRecipient;
  if (welcomePayload !== undefined) record.welcomePayload = welcomePayload;
  return record;
}

function blobOrNull(bytes: Uint8Array | undefined): Buffer | null {
  return bytes === undefined ? null : asBlob(bytes);
}

export class SqlitePendingCommitRepository implements PendingCommitRepository {
  readonly #file: string;
  readonly #get;
  readonly #list;
  readonly #put;
  readonly #delete;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], PendingCommitRow>('SELECT * FROM pending_commits WHERE group_id = ?');
    this.#list = db.prepare<[], PendingCommitRow>('SELECT * FROM pending_commits ORDER BY created_at');
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO pending_commits (group_id, stage, client_message_id, epoch, commit_message,
         staged_state, welcome_message_id, welcome_recipient, welcome_payload, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#delete = db.prepare('DELETE FROM pending_commits WHERE group_id = ?');
  }

  get(groupId: string): PendingCommitRecord | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(groupId));
    return row === undefined ? undefined : pendingFromRow(row);
  }

  list(): PendingCommitRecord[] {
    return withStorageErrors(this.#file, () => this.#list.all()).map(pendingFromRow);
  }

  put(record: PendingCommitRecord): void {
    const epoch = epochToText(record.epoch);
    withStorageErrors(this.#file, () =>
      this.#put.run(
        record.groupId,
        record.stage,
        record.clientMessageId,
        epoch,
        blobOrNull(record.commitMessage),
        blobOrNull(record.stagedState),
        record.welcomeMessageId ?? null,
        blobOrNull(record.welcomeRecipient),
        blobOrNull(record.welcomePayload),
        record.createdAt,
      ),
    );
  }

  delete(groupId: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(groupId));
  }
}

interface HeldRow {
  seq: number;
  group_id: string;
  sealed: number;
  payload: Buffer;
  code: string;
  held_at: number;
}

function heldFromRow(row: HeldRow): HeldIncomingRecord {
  return {
    seq: row.seq,
    groupId: row.group_id,
    sealed: row.sealed === 1,
    payload: ownBlob(row.payload),
    code: row.code,
    heldAt: row.held_at,
  };
}

export class SqliteHeldIncomingRepository implements HeldIncomingRepository {
  readonly #file: string;
  readonly #add;
  readonly #listForGroup;
  readonly #list;
  readonly #delete;
  readonly #count;

  constructor(db: Database) {
    this.#file = db.name;
    this.#add = db.prepare(
      'INSERT INTO held_incoming (group_id, sealed, payload, code, held_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.#listForGroup = db.prepare<[string], HeldRow>(
      'SELECT * FROM held_incoming WHERE group_id = ? ORDER BY seq',
    );
    this.#list = db.prepare<[number], HeldRow>('SELECT * FROM held_incoming ORDER BY seq LIMIT ?');
    this.#delete = db.prepare('DELETE FROM held_incoming WHERE seq = ?');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM held_incoming').pluck();
  }

  add(record: Omit<HeldIncomingRecord, 'seq'>): number {
    const result = withStorageErrors(this.#file, () =>
      this.#add.run(
        record.groupId,
        record.sealed ? 1 : 0,
        asBlob(record.payload),
        record.code,
        record.heldAt,
      ),
    );
    return Number(result.lastInsertRowid);
  }

  listForGroup(groupId: string): HeldIncomingRecord[] {
    return withStorageErrors(this.#file, () => this.#listForGroup.all(groupId)).map(heldFromRow);
  }

  list(limit = -1): HeldIncomingRecord[] {
    return withStorageErrors(this.#file, () => this.#list.all(limit)).map(heldFromRow);
  }

  delete(seq: number): void {
    withStorageErrors(this.#file, () => this.#delete.run(seq));
  }

  count(): number {
    return withStorageErrors(this.#file, () => this.#count.get() ?? 0);
  }
}
