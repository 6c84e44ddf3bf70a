import { existsSync, linkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import { checkDatabase, databasePath, openExistingDatabase, type DatabaseCheck } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';

export interface BackupResult extends DatabaseCheck {
  file: string;
  bytes: number;
  durationMs: number;
}

/**
 * An online, encrypted copy of the server database. SQLite's `VACUUM INTO` reads one consistent snapshot
 * while the server keeps writing (WAL) and writes it encrypted with the same SQLCipher key.
 * better-sqlite3's `db.backup()` cannot: its target connection has no key, and SQLite3MultipleCiphers
 * refuses to copy encrypted pages into it ("incompatible source and target databases"; a test pins it).
 * The copy is made 0600 under a temporary name, checked (integrity, schema, server state), and only
 * then linked to `to`, which must not exist.
 */
export function backupDatabase(input: {
  dataDir: string;
  key: Uint8Array;
  to: string;
  clock: Clock;
}): BackupResult {
  const started = input.clock.now();
  const to = resolve(input.to);
  if (existsSync(to)) {
    throw new OpsError(OpsErrorCode.TargetExists, `${to}: already exists`, {
      hint: 'Choose a new file name; a backup never overwrites another.',
    });
  }
  if (!existsSync(dirname(to))) {
    throw new OpsError(OpsErrorCode.TargetExists, `${dirname(to)}: no such directory`);
  }
  const source = openExistingDatabase(databasePath(input.dataDir), input.key);
  const partial = `${to}.partial-${process.pid}`;
  try {
    // An empty file created 0600 first: VACUUM INTO accepts one and keeps its mode, so no moment exists
    // in which the copy is readable by others.
    writeFileSync(partial, '', { mode: 0o600, flag: 'wx' });
    source.prepare('VACUUM INTO ?').run(partial);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
  let check: DatabaseCheck;
  try {
    const copy = openExistingDatabase(partial, input.key);
    try {
      check = checkDatabase(copy, partial);
    } finally {
      copy.close();
    }
    // link, unlike rename, refuses to replace a file created meanwhile.
    linkSync(partial, to);
  } finally {
    rmSync(partial, { force: true });
  }
  return { file: to, bytes: statSync(to).size, durationMs: input.clock.now() - started, ...check };
}
