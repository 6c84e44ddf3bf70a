import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeKeySource, openProfile, PROFILE_DB_FILE_NAME, resolveProfileDir } from './profile.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('profile location', () => {
  it('prefers --profile, then QPC_HOME, then XDG_DATA_HOME, then ~/.local/share', () => {
    expect(resolveProfileDir('/p', { QPC_HOME: '/h' })).toBe('/p');
    expect(resolveProfileDir(undefined, { QPC_HOME: '/h', XDG_DATA_HOME: '/x' })).toBe('/h');
    expect(resolveProfileDir(undefined, { XDG_DATA_HOME: '/x' })).toBe('/x/quicprochat');
    expect(resolveProfileDir(undefined, {})).toBe(join(homedir(), '.local', 'share', 'quicprochat'));
  });
});

describe('openProfile', () => {
  it('creates a profile with a raw QPC_STORE_KEY and reopens it only with that key', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qpc-profile-')), 'alice');
    dirs.push(dir);
    const key = randomBytes(32).toString('hex');
    const store = await openProfile({ dir, create: true, env: { QPC_STORE_KEY: key }, keychain: null });
    expect(store.keySource).toBe('raw');
    store.settings.set('server', 'h:1');
    store.close();
    expect(statSync(join(dir, PROFILE_DB_FILE_NAME)).mode & 0o777).toBe(0o600);
    const again = await openProfile({ dir, create: false, env: { QPC_STORE_KEY: key }, keychain: null });
    expect(again.settings.get('server')).toBe('h:1');
    again.close();
    const otherKey = randomBytes(32).toString('hex');
    await expect(
      (async () => {
        const wrong = await openProfile({
          dir,
          create: false,
          env: { QPC_STORE_KEY: otherKey },
          keychain: null,
        });
        try {
          wrong.settings.get('server');
        } finally {
          wrong.close();
        }
      })(),
    ).rejects.toMatchObject({ code: 'STORE_WRONG_KEY' });
  });

  it('refuses a malformed QPC_STORE_KEY and a missing profile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qpc-profile-'));
    dirs.push(dir);
    await expect(openProfile({ dir, create: true, env: { QPC_STORE_KEY: 'abc' } })).rejects.toMatchObject({
      code: 'BAD_STORE_KEY',
    });
    await expect(openProfile({ dir, create: false, env: {} })).rejects.toMatchObject({
      code: 'PROFILE_MISSING',
    });
    expect(existsSync(join(dir, PROFILE_DB_FILE_NAME))).toBe(false);
  });

  it('falls back to a passphrase from QPC_PASSPHRASE when there is no keychain', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'qpc-profile-')), 'bob');
    dirs.push(dir);
    const store = await openProfile({
      dir,
      create: true,
      env: { QPC_PASSPHRASE: 'correct horse' },
      keychain: null,
    });
    expect(store.keySource).toBe('passphrase');
    expect(describeKeySource(store.keySource)).toContain('QPC_PASSPHRASE');
    store.close();
  });
});
