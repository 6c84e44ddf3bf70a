import Database from 'better-sqlite3-multiple-ciphers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './groupCommit.js';

describe('GroupCommit', () => {
  let dir: string;
  let db: Database.Database;
  /** A second connection: sees only what was committed. */
  let reader: Database.Database;
  let batches: number[];
  let writes: GroupCommit;

  const committed = (): number[] =>
    reader
      .prepare<[], { n: number }>('SELECT n FROM item ORDER BY n')
      .all()
      .map((row) => row.n);
  const insert = (n: number) => () => db.prepare('INSERT INTO item (n) VALUES (?)').run(n).changes;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qpc-group-commit-'));
    db = new Database(join(dir, 'test.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE item (n INTEGER NOT NULL UNIQUE);
      CREATE TABLE parent (id INTEGER PRIMARY KEY);
      CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)`);
    db.pragma('foreign_keys = ON');
    reader = new Database(join(dir, 'test.db'), { readonly: true });
    batches = [];
    writes = new GroupCommit(db, { onBatch: (size) => batches.push(size) });
  });

  afterEach(() => {
    reader.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts writes of one loop turn in one transaction, and each caller hears only after the commit', async () => {
    const seenAtResolve: number[][] = [];
    const all = [1, 2, 3].map((n) =>
      writes.run(insert(n)).then((changes) => {
        seenAtResolve.push(committed());
        return changes;
      }),
    );
    expect(committed()).toEqual([]);
    expect(writes.waiting).toBe(3);
    await expect(Promise.all(all)).resolves.toEqual([1, 1, 1]);
    expect(batches).toEqual([3]);
    for (const seen of seenAtResolve) expect(seen).toEqual([1, 2, 3]);

    await writes.run(insert(4));
    expect(batches).toEqual([3, 1]);
  });

  it('rolls back a failing write alone and gives its caller its own error', async () => {
    const outcomes = await Promise.allSettled([
      writes.run(insert(1)),
      writes.run(() => {
        insert(2)();
        insert(1)(); // UNIQUE: this write's insert of 2 must go too
      }),
      writes.run(insert(3)),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = outcomes[1] as PromiseRejectedResult;
    expect((failure.reason as { code?: string }).code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(committed()).toEqual([1, 3]);
    expect(batches).toEqual([3]);
  });

  it('fails every member when the COMMIT itself fails, and stores none of them', async () => {
    const outcomes = await Promise.allSettled([
      writes.run(insert(1)),
      // A deferred foreign key is checked at COMMIT: the whole batch fails there, as on a full disk.
      writes.run(() => db.prepare('INSERT INTO child (parent) VALUES (42)').run().changes),
      writes.run(insert(2)),
    ]);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      expect(((outcome as PromiseRejectedResult).reason as { code?: string }).code).toBe(
        'SQLITE_CONSTRAINT_FOREIGNKEY',
      );
    }
    expect(committed()).toEqual([]);
    await writes.run(insert(5));
    expect(committed()).toEqual([5]);
  });

  it('on a full database, says accepted exactly for the writes that are stored', async () => {
    db.pragma('max_page_count = 40');
    const big = (n: number) => () =>
      db.prepare('INSERT INTO item (n) SELECT ? WHERE length(?) > 0').run(n, Buffer.alloc(8192)).changes;
    db.exec('CREATE TABLE blob (b BLOB)');
    const fill = (n: number) => () => {
      db.prepare('INSERT INTO blob (b) VALUES (?)').run(Buffer.alloc(16 * 1024));
      return big(n)();
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => writes.run(fill(i))));
    const accepted = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
    const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) {
      expect((outcome.reason as { code?: string }).code).toBe('SQLITE_FULL');
    }
    expect(committed()).toEqual(accepted);
    expect(db.inTransaction).toBe(false);
  });
});
