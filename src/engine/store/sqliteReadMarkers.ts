/**
 * How far the user has read each group, kept in the profile so unread counts survive a restart. A
 * marker is the highest messages.seq seen when the group was last marked read; unread messages are the
 * received ones after it. Counting runs on the index of messages by group, so it stays cheap for long
 * histories.
 */
import type { Database } from 'better-sqlite3-multiple-ciphers';
import type { ReadMarkerRepository } from './types.js';

interface CountRow {
  group_id: string;
  unread: number;
}

interface ActivityRow {
  group_id: string;
  last_at: number;
}

export class SqliteReadMarkerRepository implements ReadMarkerRepository {
  readonly #markRead;
  readonly #unread;
  readonly #activity;

  constructor(db: Database) {
    this.#markRead = db.prepare<[{ groupId: string; at: number }]>(
      `INSERT INTO read_markers (group_id, last_read_seq, read_at)
         VALUES (@groupId, (SELECT COALESCE(MAX(seq), 0) FROM messages WHERE group_id = @groupId), @at)
       ON CONFLICT (group_id) DO UPDATE SET last_read_seq = excluded.last_read_seq, read_at = excluded.read_at`,
    );
    this.#unread = db.prepare<[], CountRow>(
      `SELECT m.group_id AS group_id, COUNT(*) AS unread
         FROM messages m LEFT JOIN read_markers r ON r.group_id = m.group_id
        WHERE m.direction = 'in' AND m.seq > COALESCE(r.last_read_seq, 0)
        GROUP BY m.group_id`,
    );
    this.#activity = db.prepare<[], ActivityRow>(
      'SELECT group_id, MAX(received_at) AS last_at FROM messages GROUP BY group_id',
    );
  }

  markRead(groupId: string, at: number): void {
    this.#markRead.run({ groupId, at });
  }

  unreadCounts(): Map<string, number> {
    return new Map(this.#unread.all().map((row) => [row.group_id, row.unread]));
  }

  lastMessageAt(): Map<string, number> {
    return new Map(this.#activity.all().map((row) => [row.group_id, row.last_at]));
  }
}
