import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { StorageError } from '../../lib/errors.js';
import { openEncryptedDatabase } from './encryptedDatabase.js';
import { applyMigrations } from './migrations.js';
import { openProfileStore } from './profileStore.js';
import { SqliteMessageRepository } from './sqliteMessageRepository.js';
import {
  StoreBusyError,
  StoreCorruptError,
  StoreDiskFullError,
  StoreIoError,
  StoreWrongKeyError,
  toStorageError,
} from './storageErrors.js';
import type { MessageRecord } from './types.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-store-err-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function message(id: string, text: string): MessageRecord {
  return { id, groupId: 'g', sender: 's', direction: 'out', text, epoch: 1n, sentAt: 1, receivedAt: 1 };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('toStorageError', () => {
  it.each([
    ['SQLITE_FULL', StoreDiskFullError, 'STORE_DISK_FULL'],
    ['SQLITE_IOERR', StoreIoError, 'STORE_IO'],
    ['SQLITE_IOERR_WRITE', StoreIoError, 'STORE_IO'],
    ['SQLITE_IOERR_SHORT_READ', StoreIoError, 'STORE_IO'],
    ['SQLITE_CORRUPT', StoreCorruptError, 'STORE_CORRUPT'],
    ['SQLITE_CORRUPT_INDEX', StoreCorruptError, 'STORE_CORRUPT'],
    ['SQLITE_NOTADB', StoreWrongKeyError, 'STORE_WRONG_KEY'],
    ['SQLITE_BUSY', StoreBusyError, 'STORE_BUSY'],
  ])('maps %s to a typed error', (sqliteCode, type, code) => {
    const mapped = toStorageError(new Sqlite.SqliteError('raw message', sqliteCode), '/p.db');
    expect(mapped).toBeInstanceOf(type);
    expect(mapped).toBeInstanceOf(StorageError);
    expect((mapped as StorageError).code).toBe(code);
    expect((mapped as StorageError).hint?.length).toBeGreaterThan(10);
    expect((mapped as StorageError).cause).toBeInstanceOf(Sqlite.SqliteError);
  });

  it('gives other SQLite codes a generic STORE_FAILED and leaves non-SQLite errors alone', () => {
    const mapped = toStorageError(new Sqlite.SqliteError('m', 'SQLITE_CONSTRAINT_CHECK'), '/p.db');
    expect((mapped as StorageError).code).toBe('STORE_FAILED');
    expect((mapped as StorageError).message).toContain('SQLITE_CONSTRAINT_CHECK');
    const plain = new RangeError('x');
    expect(toStorageError(plain, '/p.db')).toBe(plain);
  });
});

describe('real failures', () => {
  it('a full database gives STORE_DISK_FULL and the store keeps working once there is room', () => {
    const db = openEncryptedDatabase(join(dir, 'p.db'), new Uint8Array(randomBytes(32)));
    try {
      applyMigrations(db);
      const messages = new SqliteMessageRepository(db);
      const pages = db.pragma('page_count', { simple: true }) as number;
      // A page budget stands in for a full disk: SQLite reports both as SQLITE_FULL.
      db.pragma(`max_page_count = ${pages + 2}`);
      const error = caught(() => {
        for (let i = 0; i < 100; i++) messages.append(message(`m${i}`, 'x'.repeat(3000)));
      });
      expect(error).toBeInstanceOf(StoreDiskFullError);
      expect((error as StorageError).code).toBe('STORE_DISK_FULL');
      const stored = messages.count();
      db.pragma('max_page_count = 1073741823');
      expect(messages.append(message('after', 'room again'))).toBe(true);
      expect(messages.count()).toBe(stored + 1);
    } finally {
      db.close();
    }
  });

  it('damaged pages give STORE_CORRUPT', () => {
    const file = join(dir, 'p.db');
    const key = new Uint8Array(randomBytes(32));
    const store = openProfileStore({ file, key });
    for (let i = 0; i < 100; i++) store.messages.append(message(`m${i}`, 'y'.repeat(500)));
    store.close();
    const bytes = readFileSync(file);
    // Flip bytes in every page past the schema pages: SQLCipher's per-page HMAC then fails.
    for (let page = 3; page * 4096 < bytes.length; page++) bytes[page * 4096 + 100]! ^= 0xff;
    writeFileSync(file, bytes);
    // With the schema spread over more pages, the damage may already show when the schema is read at
    // open; either way it must be STORE_CORRUPT, not a raw SQLite error.
    const error = caught(() => {
      const reopened = openProfileStore({ file, key });
      try {
        reopened.messages.list('g');
      } finally {
        reopened.close();
      }
    });
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as StorageError).code).toBe('STORE_CORRUPT');
  });
});
