/**
 * Messages of the profile database. `id` is a hash of the MLS message, so appending the same message twice
 * (a redelivery after a reconnect) stores it once. `list` returns the newest `limit` messages of a group
 * received before `beforeReceivedAt` (or before the message `beforeId`), oldest first, which is what a
 * scrolling view pages through; `listMembership` only the membership entries (from a message on), which
 * the history's delivery states are worked out from.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import { CodecError } from '../../lib/errors.js';
import {
  messageKindOf,
  type MessageDirection,
  type MessageListOptions,
  type MessageRecord,
  type MessageRepository,
} from './types.js';
import { epochFromText, epochToText } from './sqliteRepositories.js';
import { withStorageErrors, StoreErrorCode } from './storageErrors.js';

type Database = Sqlite.Database;

interface MessageRow {
  id: string;
  group_id: string;
  sender: string;
  direction: string;
  text: string;
  epoch: string;
  sent_at: number;
  received_at: number;
  kind: string;
}

function directionFromRow(value: string): MessageDirection {
  if (value === 'in' || value === 'out') return value;
  throw new CodecError(StoreErrorCode.badRow, 'stored message direction is neither in nor out');
}

function messageFromRow(row: MessageRow): MessageRecord {
  return {
    id: row.id,
    groupId: row.group_id,
    sender: row.sender,
    direction: directionFromRow(row.direction),
    text: row.text,
    epoch: epochFromText(row.epoch),
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    kind: messageKindOf(row.kind),
  };
}

export class SqliteMessageRepository implements MessageRepository {
  readonly #file: string;
  readonly #append;
  readonly #list;
  readonly #listBefore;
  readonly #membership;
  readonly #countGroup;
  readonly #countAll;

  constructor(db: Database) {
    this.#file = db.name;
    // ON CONFLICT(id) rather than INSERT OR IGNORE: only a duplicate id is skipped; any other
    // constraint failure (a bad direction, a NULL) still throws.
    this.#append = db.prepare(
      `INSERT INTO messages (id, group_id, sender, direction, text, epoch, sent_at, received_at, kind)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
    );
    // SQLite reads LIMIT -1 as "no limit".
    this.#list = db.prepare<[string, number, number], MessageRow>(
      `SELECT * FROM (
         SELECT * FROM messages WHERE group_id = ? AND received_at < ?
         ORDER BY received_at DESC, seq DESC LIMIT ?
       ) ORDER BY received_at ASC, seq ASC`,
    );
    // Before a message: by its (received_at, seq) place, so messages of the same millisecond are not
    // skipped at a page boundary. An unknown id gives no row to compare with, hence no messages.
    this.#listBefore = db.prepare<[string, string, number], MessageRow>(
      `SELECT * FROM (
         SELECT * FROM messages WHERE group_id = ?
           AND (received_at, seq) < (SELECT received_at, seq FROM messages WHERE id = ?)
         ORDER BY received_at DESC, seq DESC LIMIT ?
       ) ORDER BY received_at ASC, seq ASC`,
    );
    // From a message's place on (seq: the order things were stored, whatever the clock did). The `+`
    // keeps SQLite off the group index, which would read every row of the group (and, cold, decrypt
    // every page of its history): the rowid range reads only what was stored since.
    this.#membership = db.prepare<[string, string], MessageRow>(
      `SELECT * FROM messages
        WHERE seq >= COALESCE((SELECT seq FROM messages WHERE id = ?), 0)
          AND +group_id = ? AND kind = 'membership'
        ORDER BY seq ASC`,
    );
    this.#countGroup = db
      .prepare<[string], number>('SELECT count(*) FROM messages WHERE group_id = ?')
      .pluck();
    this.#countAll = db.prepare<[], number>('SELECT count(*) FROM messages').pluck();
  }

  append(message: MessageRecord): boolean {
    const epoch = epochToText(message.epoch);
    const result = withStorageErrors(this.#file, () =>
      this.#append.run(
        message.id,
        message.groupId,
        message.sender,
        message.direction,
        message.text,
        epoch,
        message.sentAt,
        message.receivedAt,
        message.kind ?? 'text',
      ),
    );
    return result.changes === 1;
  }

  list(groupId: string, options: MessageListOptions = {}): MessageRecord[] {
    const limit = options.limit === undefined ? -1 : Math.max(0, Math.floor(options.limit));
    const { beforeId } = options;
    if (beforeId !== undefined) {
      return withStorageErrors(this.#file, () => this.#listBefore.all(groupId, beforeId, limit)).map(
        messageFromRow,
      );
    }
    const before = options.beforeReceivedAt ?? Number.MAX_SAFE_INTEGER;
    return withStorageErrors(this.#file, () => this.#list.all(groupId, before, limit)).map(messageFromRow);
  }

  listMembership(groupId: string, options: { fromId?: string } = {}): MessageRecord[] {
    return withStorageErrors(this.#file, () => this.#membership.all(options.fromId ?? '', groupId)).map(
      messageFromRow,
    );
  }

  count(groupId?: string): number {
    return withStorageErrors(this.#file, () =>
      groupId === undefined ? (this.#countAll.get() ?? 0) : (this.#countGroup.get(groupId) ?? 0),
    );
  }
}
