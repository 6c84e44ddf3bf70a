import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { BALLAST_FILE, classifyStorageFailure, StorageHealth } from './storageHealth.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-storage-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sqliteError = (code: string) => Object.assign(new Error('disk I/O'), { code });

describe('classifyStorageFailure', () => {
  it('tells a full disk from a briefly unusable database and from everything else', () => {
    expect(classifyStorageFailure(sqliteError('SQLITE_FULL'))).toBe('full');
    expect(classifyStorageFailure(sqliteError('ENOSPC'))).toBe('full');
    expect(classifyStorageFailure(sqliteError('SQLITE_IOERR_WRITE'))).toBe('unavailable');
    expect(classifyStorageFailure(sqliteError('SQLITE_BUSY'))).toBe('unavailable');
    expect(classifyStorageFailure(sqliteError('SQLITE_READONLY_DBMOVED'))).toBe('unavailable');
    expect(classifyStorageFailure(sqliteError('SQLITE_CONSTRAINT_UNIQUE'))).toBeUndefined();
    expect(classifyStorageFailure(new Error('a bug'))).toBeUndefined();
    expect(classifyStorageFailure(undefined)).toBeUndefined();
    const wrapped = new Error('wrapped', { cause: sqliteError('SQLITE_FULL') });
    expect(classifyStorageFailure(wrapped)).toBe('full');
  });
});

describe('StorageHealth', () => {
  it('keeps a reserve, gives it back on SQLITE_FULL, refuses growth, and recovers once space is back', () => {
    const clock = new ManualClock(0);
    const changes: boolean[] = [];
    const failures: string[] = [];
    const health = new StorageHealth({
      dataDir: dir,
      clock,
      logger: silentLogger(),
      ballastBytes: 64 * 1024,
      events: { onExhaustedChange: (value) => changes.push(value), onFailure: (kind) => failures.push(kind) },
    });
    health.start();
    expect(statSync(join(dir, BALLAST_FILE)).size).toBe(64 * 1024);
    expect(health.refusesGrowth()).toBe(false);

    expect(health.noteFailure(sqliteError('SQLITE_BUSY'))).toBe('unavailable');
    expect(health.isExhausted).toBe(false);
    expect(health.noteFailure(sqliteError('SQLITE_FULL'))).toBe('full');
    expect(existsSync(join(dir, BALLAST_FILE))).toBe(false);
    expect(health.refusesGrowth()).toBe(true);
    // This temp dir has room: after the recheck interval the reserve comes back and writes flow again.
    clock.advance(2_000);
    expect(health.refusesGrowth()).toBe(false);
    expect(statSync(join(dir, BALLAST_FILE)).size).toBe(64 * 1024);
    expect(changes).toEqual([true, false]);
    expect(failures).toEqual(['unavailable', 'full']);
  });
});
