/**
 * The client's encrypted store: message appends per second through the real repository, single and
 * batched in one transaction, against the same schema and code on a plain (unencrypted) SQLite file
 * measured in this same run. Plus the one-off costs: opening with a raw key and the scrypt passphrase KDF.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3-multiple-ciphers';
import { figure, heading, opsPerSecond, type BenchSection } from '../report.js';
import { openEncryptedDatabase, type Database } from '../../src/engine/store/encryptedDatabase.js';
import { applyMigrations } from '../../src/engine/store/migrations.js';
import { createPassphraseKey } from '../../src/engine/store/passphraseKey.js';
import { SqliteMessageRepository } from '../../src/engine/store/sqliteMessageRepository.js';
import type { MessageRecord } from '../../src/engine/store/types.js';

const BATCH = 100;
const TEXT = 'a chat message of a typical length, about a hundred bytes long, give or take a few words here';

function openPlain(file: string): Database {
  const db = new Sqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  return db;
}

async function appendRates(db: Database): Promise<{ single: number; batched: number }> {
  applyMigrations(db);
  const messages = new SqliteMessageRepository(db);
  let n = 0;
  const next = (): MessageRecord => {
    n++;
    return {
      id: `m${n}`,
      groupId: 'g',
      sender: 's',
      direction: 'in',
      text: TEXT,
      epoch: 1n,
      sentAt: n,
      receivedAt: n,
    };
  };
  const single = await opsPerSecond(() => messages.append(next()), { minMs: 700 });
  const batch = db.transaction(() => {
    for (let i = 0; i < BATCH; i++) messages.append(next());
  });
  const batches = await opsPerSecond(() => batch(), { minMs: 700 });
  return { single, batched: batches * BATCH };
}

export const section: BenchSection = {
  name: 'store',
  async run() {
    heading('Client store (SQLCipher, WAL, synchronous=NORMAL) vs plain SQLite, same schema and code');
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-store-'));
    try {
      const key = new Uint8Array(randomBytes(32));
      const encrypted = openEncryptedDatabase(join(dir, 'enc.db'), key);
      const enc = await appendRates(encrypted);
      encrypted.close();
      const plain = openPlain(join(dir, 'plain.db'));
      const base = await appendRates(plain);
      plain.close();

      figure(
        'append, one per transaction (SQLCipher)',
        enc.single,
        'msg/s',
        `plain ${base.single.toFixed(0)}`,
      );
      figure('append, one per transaction (plain baseline)', base.single, 'msg/s');
      figure(
        `append, ${BATCH} per transaction (SQLCipher)`,
        enc.batched,
        'msg/s',
        `plain ${base.batched.toFixed(0)}`,
      );
      figure(`append, ${BATCH} per transaction (plain baseline)`, base.batched, 'msg/s');

      const opens = await opsPerSecond(() => openEncryptedDatabase(join(dir, 'enc.db'), key).close(), {
        minMs: 500,
      });
      figure('open + key check with a raw key (SQLCipher)', 1000 / opens, 'ms');
      const plainOpens = await opsPerSecond(() => openPlain(join(dir, 'plain.db')).close(), { minMs: 500 });
      figure('open (plain baseline)', 1000 / plainOpens, 'ms');

      const start = performance.now();
      (await createPassphraseKey(join(dir, 'store.salt'), 'bench passphrase')).fill(0);
      figure('passphrase to key, scrypt N=2^17 r=8 p=1 (once per start)', performance.now() - start, 'ms');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
