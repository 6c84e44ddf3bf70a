/**
 * The floor of the server's durable step: one COMMIT of a 1.4 KiB row on a SQLCipher file in WAL mode
 * with synchronous=FULL, as qpc-server opens its database (src/server/storage/openServerDatabase.ts),
 * on the disk the bench runs on. A lone write in the group commit waits for no batch (setImmediate), so
 * this fsync is what it pays between the frame read and "durable".
 */
import { randomBytes } from 'node:crypto';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { removeDir, tempDir } from '../test/e2e/harness.js';

export function durableCommitSamples(count: number): number[] {
  const dir = tempDir('bench-fsync');
  const db = new Sqlite(`${dir}/floor.db`);
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key="x'${randomBytes(32).toString('hex')}'"`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE queue (id INTEGER PRIMARY KEY, payload BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO queue (payload) VALUES (?)');
    const payload = randomBytes(1400);
    const commit = db.transaction(() => insert.run(payload));
    const samples: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const start = performance.now();
      commit.immediate();
      samples.push(performance.now() - start);
    }
    return samples;
  } finally {
    db.close();
    removeDir(dir);
  }
}
