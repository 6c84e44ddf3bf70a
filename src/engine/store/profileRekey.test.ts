/**
 * Rekeying a real SQLCipher profile: after it the data is all there under the new key, and the old key
 * (passphrase, raw key or keychain entry) opens nothing.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openProfileStore } from './profileStore.js';
import { rekeyProfile } from './profileRekey.js';
import { resolveStoreKey, KEYCHAIN_MARKER_FILE_NAME, type KeychainLike } from './storeKey.js';
import { SALT_FILE_NAME } from './passphraseKey.js';

const FAST_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function profileDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qpc-rekey-'));
  dirs.push(dir);
  return dir;
}

class MemoryKeychain implements KeychainLike {
  readonly entries = new Map<string, Uint8Array>();
  getSecret(service: string, account: string): Promise<Uint8Array | null> {
    const found = this.entries.get(`${service}/${account}`);
    return Promise.resolve(found === undefined ? null : found.slice());
  }
  setSecret(service: string, account: string, secret: Uint8Array): Promise<void> {
    this.entries.set(`${service}/${account}`, secret.slice());
    return Promise.resolve();
  }
  deleteSecret(service: string, account: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(`${service}/${account}`));
  }
}

describe('profile rekey', () => {
  it('a raw key: the new key opens the data, the old one fails', async () => {
    const dir = profileDir();
    const file = join(dir, 'profile.db');
    const oldKey = new Uint8Array(randomBytes(32));
    const newKey = new Uint8Array(randomBytes(32));
    const store = openProfileStore({ file, key: oldKey });
    store.settings.set('kept', 'yes');
    await rekeyProfile({
      profileDir: dir,
      store,
      next: { kind: 'raw', key: newKey.slice() },
      keychain: null,
    });
    store.settings.set('after', 'rekey');
    store.close();
    expect(() => openProfileStore({ file, key: oldKey }).close()).toThrow(
      expect.objectContaining({ code: 'STORE_WRONG_KEY' }),
    );
    const reopened = openProfileStore({ file, key: newKey });
    expect(reopened.settings.get('kept')).toBe('yes');
    expect(reopened.settings.get('after')).toBe('rekey');
    reopened.close();
  });

  it('a passphrase to a new passphrase, then to the keychain: each old key fails', async () => {
    const dir = profileDir();
    const file = join(dir, 'profile.db');
    const keychain = new MemoryKeychain();
    const first = await resolveStoreKey({
      profileDir: dir,
      keychain: null,
      passphrase: () => 'first passphrase',
    });
    const firstKey = first.key.slice();
    const store = openProfileStore({ file, key: first.key });
    store.settings.set('kept', 'yes');
    await rekeyProfile({
      profileDir: dir,
      store,
      next: { kind: 'passphrase', passphrase: 'second passphrase' },
      keychain,
      scrypt: FAST_SCRYPT,
    });
    expect(existsSync(join(dir, `${SALT_FILE_NAME}.new`))).toBe(false);
    store.close();
    await expect(
      resolveStoreKey({ profileDir: dir, keychain: null, passphrase: () => 'first passphrase' }),
    ).rejects.toMatchObject({ code: 'STORE_WRONG_PASSPHRASE' });
    expect(() => openProfileStore({ file, key: firstKey }).close()).toThrow(
      expect.objectContaining({ code: 'STORE_WRONG_KEY' }),
    );
    const second = await resolveStoreKey({
      profileDir: dir,
      keychain: null,
      passphrase: () => 'second passphrase',
    });
    const secondKey = second.key.slice();
    const again = openProfileStore({ file, key: second.key });
    expect(again.settings.get('kept')).toBe('yes');

    expect(await rekeyProfile({ profileDir: dir, store: again, next: { kind: 'keychain' }, keychain })).toBe(
      'keychain',
    );
    again.close();
    expect(existsSync(join(dir, SALT_FILE_NAME))).toBe(false);
    expect(existsSync(join(dir, KEYCHAIN_MARKER_FILE_NAME))).toBe(true);
    expect(() => openProfileStore({ file, key: secondKey }).close()).toThrow(
      expect.objectContaining({ code: 'STORE_WRONG_KEY' }),
    );
    const fromKeychain = await resolveStoreKey({ profileDir: dir, keychain });
    expect(fromKeychain.source).toBe('keychain');
    const last = openProfileStore({ file, key: fromKeychain.key });
    expect(last.settings.get('kept')).toBe('yes');
    last.close();
    expect(keychain.entries.size).toBe(1);
  });
});
