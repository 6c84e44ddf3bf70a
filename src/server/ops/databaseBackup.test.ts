import Database from 'better-sqlite3-multiple-ciphers';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { ManualClock } from '../../lib/clock.js';
import { isQpcError } from '../../lib/errors.js';
import {
  openServerDatabase,
  SERVER_DATABASE_FILE,
  type ServerDatabase,
} from '../storage/openServerDatabase.js';
import { loadOrCreateServerState } from '../storage/serverState.js';
import { backupDatabase } from './databaseBackup.js';
import { restoreDatabase } from './databaseRestore.js';
import { openExistingDatabase } from './existingDatabase.js';
import { RUN_STATE_FILE, writeRunState } from './runState.js';

const KEY = new Uint8Array(32).fill(7);
const OTHER_KEY = new Uint8Array(32).fill(9);
const MARKER = 'plaintext-marker-that-must-not-appear';
let dir: string;
let dataDir: string;
const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-backup-'));
  dataDir = join(dir, 'data');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function createServerDatabase(messages: number): ServerDatabase {
  const db = openServerDatabase(join(dataDir, SERVER_DATABASE_FILE), KEY);
  loadOrCreateServerState(db, {
    createOpaqueSetup: () => 'opaque-setup',
    randomBytes: (n) => new Uint8Array(n),
  });
  db.prepare(
    "INSERT INTO users (username, registration_record, identity_key, hybrid_key, created_at) VALUES ('alice', 'r', ?, ?, 0)",
  ).run(Buffer.alloc(32, 1), Buffer.alloc(32, 2));
  const insert = db.prepare(
    'INSERT INTO queue (recipient, payload, enqueued_at, expires_at) VALUES (?, ?, 0, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < messages; i += 1)
      insert.run(Buffer.alloc(32, 1), Buffer.from(`${MARKER} ${i}`), Date.now() + 1e9);
  })();
  return db;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isQpcError(error)) return error.code;
    throw error;
  }
  throw new Error('expected an error');
}

describe('backupDatabase', () => {
  it('copies a database in use into an encrypted, checked file with mode 0600', () => {
    const live = createServerDatabase(50);
    const to = join(dir, 'backup.db');
    const result = backupDatabase({ dataDir, key: KEY, to, clock });
    // The server connection still works and writes after the backup (online).
    live
      .prepare('INSERT INTO queue (recipient, payload, enqueued_at, expires_at) VALUES (?, ?, 0, 1)')
      .run(Buffer.alloc(32), Buffer.alloc(1));
    live.close();

    expect(result).toMatchObject({
      file: to,
      users: 1,
      queuedMessages: 50,
    });
    expect(result.schemaVersion).toBeGreaterThan(0);
    expect(statSync(to).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(to);
    expect(bytes.includes(MARKER)).toBe(false);
    expect(bytes.subarray(0, 16).toString('latin1')).not.toBe('SQLite format 3\0');
    const copy = openExistingDatabase(to, KEY);
    expect(copy.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: 50 });
    copy.close();
    expect(codeOf(() => openExistingDatabase(to, OTHER_KEY))).toBe('DB_WRONG_KEY');
  });

  it('never overwrites a file and leaves no partial file behind', () => {
    createServerDatabase(1).close();
    const to = join(dir, 'backup.db');
    writeFileSync(to, 'precious');
    expect(codeOf(() => backupDatabase({ dataDir, key: KEY, to, clock }))).toBe('OPS_BACKUP_TARGET_EXISTS');
    expect(readFileSync(to, 'utf8')).toBe('precious');
    expect(
      codeOf(() =>
        backupDatabase({ dataDir: join(dir, 'nothing'), key: KEY, to: join(dir, 'b2.db'), clock }),
      ),
    ).toBe('OPS_DATABASE_MISSING');
    expect(codeOf(() => backupDatabase({ dataDir, key: OTHER_KEY, to: join(dir, 'b3.db'), clock }))).toBe(
      'DB_WRONG_KEY',
    );
  });

  it('better-sqlite3 db.backup() cannot copy a SQLCipher database (why VACUUM INTO is used)', async () => {
    const db = createServerDatabase(1);
    await expect(db.backup(join(dir, 'plain.db'))).rejects.toThrow(/incompatible source and target/);
    db.close();
  });
});

describe('restoreDatabase', () => {
  it('replaces the database with a backup and keeps the one it replaced', () => {
    createServerDatabase(10).close();
    const to = join(dir, 'backup.db');
    backupDatabase({ dataDir, key: KEY, to, clock });
    const after = openServerDatabase(join(dataDir, SERVER_DATABASE_FILE), KEY);
    after.exec('DELETE FROM queue');
    after.close();

    const result = restoreDatabase({ dataDir, key: KEY, from: to, clock });
    expect(result).toMatchObject({ users: 1, queuedMessages: 10 });
    const restored = openServerDatabase(join(dataDir, SERVER_DATABASE_FILE), KEY);
    expect(restored.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: 10 });
    restored.close();
    expect(statSync(join(dataDir, SERVER_DATABASE_FILE)).mode & 0o777).toBe(0o600);
    const previous = openExistingDatabase(result.previous ?? '', KEY);
    expect(previous.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: 0 });
    previous.close();
  });

  it('refuses while a server runs on the data directory, and ignores a file left by a dead one', () => {
    createServerDatabase(1).close();
    const to = join(dir, 'backup.db');
    backupDatabase({ dataDir, key: KEY, to, clock });
    writeRunState(dataDir, {
      pid: process.ppid,
      startedAt: '',
      version: '0',
      adminHost: '127.0.0.1',
      adminPort: 1,
    });
    expect(codeOf(() => restoreDatabase({ dataDir, key: KEY, from: to, clock }))).toBe('OPS_SERVER_RUNNING');
    // A pid no process has (above the kernel's pid_max): the server that wrote it is gone.
    writeFileSync(
      join(dataDir, RUN_STATE_FILE),
      JSON.stringify({ pid: 2 ** 22 + 1, adminPort: 1, adminHost: 'x' }),
    );
    expect(restoreDatabase({ dataDir, key: KEY, from: to, clock }).users).toBe(1);
  });

  it('refuses while another process has the database open, even with no run-state file', () => {
    const live = createServerDatabase(1);
    const to = join(dir, 'backup.db');
    backupDatabase({ dataDir, key: KEY, to, clock });
    expect(codeOf(() => restoreDatabase({ dataDir, key: KEY, from: to, clock }))).toBe('OPS_SERVER_RUNNING');
    // The refused restore left the server's database alone: it still reads and writes.
    live.prepare('DELETE FROM queue').run();
    live.close();
    expect(restoreDatabase({ dataDir, key: KEY, from: to, clock }).queuedMessages).toBe(1);
  });

  it('refuses a backup taken with another key, a damaged one, and one that is not a server database, touching nothing', () => {
    createServerDatabase(200).close();
    const to = join(dir, 'backup.db');
    backupDatabase({ dataDir, key: KEY, to, clock });
    const before = readFileSync(join(dataDir, SERVER_DATABASE_FILE));

    expect(codeOf(() => restoreDatabase({ dataDir, key: OTHER_KEY, from: to, clock }))).toBe(
      'OPS_BACKUP_WRONG_KEY',
    );

    const damaged = join(dir, 'damaged.db');
    const bytes = readFileSync(to);
    // Flip bytes inside a later page: SQLCipher's per-page HMAC refuses it.
    for (let i = bytes.length - 2000; i < bytes.length - 1000; i += 1) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
    writeFileSync(damaged, bytes);
    expect(codeOf(() => restoreDatabase({ dataDir, key: KEY, from: damaged, clock }))).toBe(
      'OPS_INTEGRITY_CHECK_FAILED',
    );

    const foreign = join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.pragma(`cipher='sqlcipher'`);
    other.pragma(`key="x'${toHex(KEY)}'"`);
    other.exec('CREATE TABLE t (x)');
    other.close();
    expect(codeOf(() => restoreDatabase({ dataDir, key: KEY, from: foreign, clock }))).toBe(
      'OPS_INTEGRITY_CHECK_FAILED',
    );
    expect(readFileSync(join(dataDir, SERVER_DATABASE_FILE)).equals(before)).toBe(true);
  });
});
