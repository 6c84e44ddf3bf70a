import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../lib/errors.js';
import { systemRandomBytes } from '../serverDeps.js';
import { resolveDatabaseKey, DEV_DB_KEY_FILE } from './databaseKey.js';
import { SERVER_MIGRATIONS } from './migrations.js';
import { openServerDatabase, SERVER_DATABASE_FILE } from './openServerDatabase.js';
import { loadOrCreateServerState } from './serverState.js';
import { WrongDatabaseKeyError } from './storageErrors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keyA = new Uint8Array(32).fill(7);
const keyB = new Uint8Array(32).fill(8);

describe('openServerDatabase', () => {
  it('creates an encrypted, migrated WAL database with synchronous=FULL', () => {
    const path = join(dir, SERVER_DATABASE_FILE);
    const db = openServerDatabase(path, keyA);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(SERVER_MIGRATIONS.length);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((row) => row.name);
    expect(tables).toEqual(
      expect.arrayContaining(['group_epochs', 'key_packages', 'queue', 'server_state', 'sessions', 'users']),
    );
    db.close();
    // SQLCipher: no plaintext SQLite header on disk.
    expect(readFileSync(path).subarray(0, 15).toString('latin1')).not.toBe('SQLite format 3');
  });

  it('creates the database, -wal and -shm 0600 and the data directory 0700, whatever the umask', () => {
    const previous = process.umask(0o022);
    try {
      const data = join(dir, 'fresh');
      const path = join(data, SERVER_DATABASE_FILE);
      const db = openServerDatabase(path, keyA);
      db.prepare("INSERT INTO server_state (name, value) VALUES ('probe', x'01')").run();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) {
        expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
      }
      expect((statSync(data).mode & 0o777).toString(8)).toBe('700');
      db.close();
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a database left 0644 by an older qpc-server when it opens it', () => {
    const path = join(dir, SERVER_DATABASE_FILE);
    openServerDatabase(path, keyA).close();
    chmodSync(path, 0o644);
    const db = openServerDatabase(path, keyA);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      expect((statSync(file).mode & 0o777).toString(8)).toBe('600');
    }
    db.close();
  });

  it('reopens with the same key and refuses a wrong one with a typed error', () => {
    const path = join(dir, SERVER_DATABASE_FILE);
    const db = openServerDatabase(path, keyA);
    const created = loadOrCreateServerState(db, {
      createOpaqueSetup: () => 'setup-1',
      randomBytes: systemRandomBytes,
    });
    db.close();

    const again = openServerDatabase(path, keyA);
    const reread = loadOrCreateServerState(again, {
      createOpaqueSetup: () => 'setup-2',
      randomBytes: systemRandomBytes,
    });
    expect(reread.opaqueSetup).toBe('setup-1');
    expect(reread.signingKeySeed).toEqual(created.signingKeySeed);
    expect(reread.signingKeySeed).toHaveLength(32);
    again.close();

    let caught: unknown;
    try {
      openServerDatabase(path, keyB);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(WrongDatabaseKeyError);
    expect((caught as StorageError).code).toBe('DB_WRONG_KEY');
  });
});

describe('resolveDatabaseKey', () => {
  it('uses the configured key', () => {
    const resolved = resolveDatabaseKey({
      dbKeyHex: '01'.repeat(32),
      dataDir: dir,
      production: true,
      randomBytes: systemRandomBytes,
    });
    expect(resolved).toEqual({ key: new Uint8Array(32).fill(1), source: 'configured' });
  });

  it('generates a development key once, mode 0600, and reuses it', () => {
    const input = { dbKeyHex: undefined, dataDir: dir, production: false, randomBytes: systemRandomBytes };
    const first = resolveDatabaseKey(input);
    const second = resolveDatabaseKey(input);
    expect(first.source).toBe('generated');
    expect(second.source).toBe('data-dir');
    expect(second.key).toEqual(first.key);
    expect(statSync(join(dir, DEV_DB_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses to invent a key over an existing database and names the missing key', () => {
    writeFileSync(join(dir, SERVER_DATABASE_FILE), 'an existing database');
    let caught: unknown;
    try {
      resolveDatabaseKey({
        dbKeyHex: undefined,
        dataDir: dir,
        production: false,
        randomBytes: systemRandomBytes,
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as StorageError).code).toBe('DB_KEY_MISSING');
    expect((caught as StorageError).message).toContain('QPC_DB_KEY');
    expect((caught as StorageError).message).toContain(DEV_DB_KEY_FILE);
    expect(existsSync(join(dir, DEV_DB_KEY_FILE))).toBe(false);
  });

  it('never generates a key in production', () => {
    expect(() =>
      resolveDatabaseKey({
        dbKeyHex: undefined,
        dataDir: dir,
        production: true,
        randomBytes: systemRandomBytes,
      }),
    ).toThrow(StorageError);
  });
});
