import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StorageError } from '../../lib/errors.js';
import { openEncryptedDatabase, type Database } from './encryptedDatabase.js';
import { MIGRATIONS, applyMigrations, schemaVersion } from './migrations.js';
import { openProfileStore } from './profileStore.js';

let dir: string;
let db: Database | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-migrations-'));
});

afterEach(() => {
  db?.close();
  db = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function tables(database: Database): string[] {
  return database
    .prepare<[], string>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .pluck()
    .all();
}

describe('migrations', () => {
  it('are numbered 1..n in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('create every table and are idempotent', () => {
    db = openEncryptedDatabase(join(dir, 'p.db'), new Uint8Array(randomBytes(32)));
    expect(applyMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual([
      'contact_trust',
      'contacts',
      'delivery_proofs',
      'groups',
      'held_incoming',
      'identity',
      'key_packages',
      'messages',
      'outbox',
      'peer_access_keys',
      'pending_commits',
      'read_markers',
      'retired_hybrid_keys',
      'self_update_state',
      'server_pins',
      'server_signing_keys',
      'settings',
    ]);
    expect(applyMigrations(db)).toEqual([]);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
  });

  it('apply only the missing ones to an older file, keeping its data', () => {
    const file = join(dir, 'p.db');
    const key = new Uint8Array(randomBytes(32));
    db = openEncryptedDatabase(file, key);
    expect(applyMigrations(db, MIGRATIONS.slice(0, 1))).toEqual([1]);
    expect(tables(db)).not.toContain('settings');
    db.prepare("INSERT INTO groups VALUES ('g1', 'n', 'cs', '5', x'01', 1)").run();
    db.close();
    db = undefined;
    const store = openProfileStore({ file, key });
    expect(store.groups.get('g1')?.epoch).toBe(5n);
    store.close();
    db = openEncryptedDatabase(file, key);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(applyMigrations(db)).toEqual([]);
  });

  it('refuse a file from a newer qpc', () => {
    db = openEncryptedDatabase(join(dir, 'p.db'), new Uint8Array(randomBytes(32)));
    db.pragma('user_version = 99');
    expect(() => applyMigrations(db!)).toThrow(StorageError);
    expect(() => applyMigrations(db!)).toThrow(/schema version 99/);
  });

  it('roll back a failing migration with its version bump', () => {
    db = openEncryptedDatabase(join(dir, 'p.db'), new Uint8Array(randomBytes(32)));
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, description: 'bad', sql: 'CREATE TABLE x (a); NOT SQL' },
    ];
    expect(() => applyMigrations(db!, broken)).toThrow();
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).not.toContain('x');
  });
});
