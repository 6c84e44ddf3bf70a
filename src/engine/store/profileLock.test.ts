import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireProfileLock, ProfileLockedError } from './profileLock.js';
import { openProfileStore } from './profileStore.js';

describe('profile lock', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qpc-lock-'));
    file = join(dir, 'profile.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes our pid and refuses a second holder while the first is alive', () => {
    const lock = acquireProfileLock(file, { pid: 4242, isAlive: () => true });
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe('4242');
    let refused: unknown;
    try {
      acquireProfileLock(file, { pid: 4343, isAlive: () => true });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ProfileLockedError);
    expect(refused).toMatchObject({ code: 'STORE_PROFILE_LOCKED', holderPid: 4242 });
    expect((refused as Error).message).toContain('in use by another qpc (pid 4242)');
    lock.release();
    expect(existsSync(`${file}.lock`)).toBe(false);
    acquireProfileLock(file, { pid: 4343, isAlive: () => true }).release();
  });

  it('takes over a stale lock whose process is gone', () => {
    writeFileSync(`${file}.lock`, '999999\n');
    const lock = acquireProfileLock(file, { pid: 4242, isAlive: (pid) => pid !== 999999 });
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe('4242');
    lock.release();
  });

  it('takes over a lock of a real dead process (signal-0 probe)', () => {
    // A pid far above any pid_max in use: the probe answers ESRCH.
    writeFileSync(`${file}.lock`, '4194304999\n');
    const lock = acquireProfileLock(file);
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('does not remove a lock another process took over after ours was judged stale', () => {
    const lock = acquireProfileLock(file, { pid: 4242, isAlive: () => true });
    writeFileSync(`${file}.lock`, '4343\n');
    lock.release();
    expect(readFileSync(`${file}.lock`, 'utf8').trim()).toBe('4343');
  });

  it('a second store on one profile is refused; closing the first frees it', () => {
    const key = new Uint8Array(randomBytes(32));
    const first = openProfileStore({ file, key });
    expect(() => openProfileStore({ file, key })).toThrow(
      expect.objectContaining({ code: 'STORE_PROFILE_LOCKED' }),
    );
    first.close();
    openProfileStore({ file, key }).close();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
