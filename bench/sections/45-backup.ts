/**
 * The key lifecycle on a profile with 10,000 messages: encrypted backup export and import (a fresh
 * profile), lock (QpcEngine.lock: keys zeroed, store closed) and the local part of unlock (open the
 * store, build the engine, load the identity). Baseline in the same run: the raw-key store open alone,
 * and reading the same 10,000 messages through the repository.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { figure, heading, type BenchSection } from '../report.js';
import { systemClock } from '../../src/lib/clock.js';
import { createProfileIdentity } from '../../src/engine/client/localIdentity.js';
import { exportBackup, importBackup } from '../../src/engine/backup/profileBackup.js';
import { openProfileStore } from '../../src/engine/store/profileStore.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';

const MESSAGES = 10_000;
const TEXT = 'a chat message of a typical length, about a hundred bytes long, give or take a few words here';

function time<T>(work: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = work();
  return { ms: performance.now() - start, value };
}

export const section: BenchSection = {
  name: 'backup',
  async run() {
    heading(`backup and lock (${MESSAGES} messages)`);
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-backup-'));
    try {
      const key = new Uint8Array(randomBytes(32));
      const file = join(dir, 'source.db');
      const store = openProfileStore({ file, key: key.slice() });
      const words = createProfileIdentity(store, systemClock);
      store.transaction(() => {
        for (let index = 0; index < MESSAGES; index += 1) {
          store.messages.append({
            id: `m${index}`,
            groupId: 'ab'.repeat(16),
            sender: 'cd'.repeat(32),
            direction: index % 2 === 0 ? 'in' : 'out',
            text: TEXT,
            epoch: 1n,
            sentAt: index,
            receivedAt: index,
          });
        }
      });
      const read = time(() => store.messages.list('ab'.repeat(16), { limit: MESSAGES }).length);
      figure(`read ${MESSAGES} messages (baseline)`, read.ms, 'ms');
      const backupFile = join(dir, 'profile.qpcbackup');
      const exported = time(() => exportBackup(store, backupFile, { clock: systemClock }));
      figure('backup export', exported.ms, 'ms', `${(exported.value.bytes / 1024).toFixed(0)} KiB file`);
      const target = openProfileStore({ file: join(dir, 'target.db'), key: new Uint8Array(randomBytes(32)) });
      const imported = time(() => importBackup(target, backupFile, words, systemClock));
      figure('backup import into a fresh profile', imported.ms, 'ms', `${imported.value.messages} messages`);
      target.close();

      const engine = new QpcEngine({ store });
      await engine.whoami();
      const lockStart = performance.now();
      await engine.lock();
      figure('lock (keys zeroed, store closed)', performance.now() - lockStart, 'ms');
      const openBase = time(() => openProfileStore({ file, key: key.slice() }));
      openBase.value.close();
      figure('open the store with a raw key (baseline)', openBase.ms, 'ms');
      const unlockStart = performance.now();
      const reopened = new QpcEngine({ store: openProfileStore({ file, key: key.slice() }) });
      await reopened.whoami();
      figure(
        'unlock, local part (store, engine, identity; login not included)',
        performance.now() - unlockStart,
        'ms',
      );
      await reopened.lock();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
