import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, StorageError } from '../../lib/errors.js';
import { createOsKeychain } from './osKeychain.js';
import { openProfileStore } from './profileStore.js';
import { KEYCHAIN_SERVICE, resolveStoreKey, type KeychainLike } from './storeKey.js';

let profileDir: string;

beforeEach(() => {
  profileDir = join(mkdtempSync(join(tmpdir(), 'qpc-storekey-')), 'profile');
});

afterEach(() => {
  rmSync(join(profileDir, '..'), { recursive: true, force: true });
});

/** A keychain in memory; `down` makes every call reject, like @napi-rs/keyring with no D-Bus session. */
class FakeKeychain implements KeychainLike {
  readonly entries = new Map<string, Uint8Array>();
  down = false;
  forgetful = false;

  getSecret(service: string, account: string): Promise<Uint8Array | null> {
    if (this.down) return Promise.reject(new Error('no D-Bus session'));
    const secret = this.entries.get(`${service}/${account}`);
    return Promise.resolve(secret === undefined ? null : new Uint8Array(secret));
  }

  setSecret(service: string, account: string, secret: Uint8Array): Promise<void> {
    if (this.down) return Promise.reject(new Error('no D-Bus session'));
    if (!this.forgetful) this.entries.set(`${service}/${account}`, new Uint8Array(secret));
    return Promise.resolve();
  }

  deleteSecret(service: string, account: string): Promise<boolean> {
    return Promise.resolve(this.entries.delete(`${service}/${account}`));
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const neverAsked = (): string => {
  throw new Error('the passphrase must not be asked for');
};

describe('resolveStoreKey with a keychain', () => {
  it('creates a random key in the keychain on first use and finds it again', async () => {
    const keychain = new FakeKeychain();
    const first = await resolveStoreKey({ profileDir, keychain, passphrase: neverAsked });
    expect(first.source).toBe('keychain');
    expect(first.key).toHaveLength(32);
    expect(first.key.some((b) => b !== 0)).toBe(true);
    const [entryName] = [...keychain.entries.keys()];
    expect(entryName).toMatch(new RegExp(`^${KEYCHAIN_SERVICE}/[0-9a-f]{32}$`));
    const marker = join(profileDir, 'store.keychain');
    expect((statSync(marker).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(profileDir).mode & 0o777).toString(8)).toBe('700');
    expect(readFileSync(marker, 'utf8')).toContain(entryName!.split('/')[1]);
    expect(existsSync(join(profileDir, 'store.salt'))).toBe(false);

    const second = await resolveStoreKey({ profileDir, keychain, passphrase: neverAsked });
    expect(second).toEqual({ key: first.key, source: 'keychain' });
  });

  it('gives each profile its own keychain entry', async () => {
    const keychain = new FakeKeychain();
    const a = await resolveStoreKey({ profileDir, keychain });
    const b = await resolveStoreKey({ profileDir: join(profileDir, '..', 'other'), keychain });
    expect(keychain.entries.size).toBe(2);
    expect(a.key).not.toEqual(b.key);
  });

  it('reports a keychain profile whose keychain is down, instead of asking for a passphrase', async () => {
    const keychain = new FakeKeychain();
    await resolveStoreKey({ profileDir, keychain });
    keychain.down = true;
    const error = await rejection(resolveStoreKey({ profileDir, keychain, passphrase: neverAsked }));
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe('STORE_KEYCHAIN_UNAVAILABLE');
  });

  it('reports a keychain entry that disappeared', async () => {
    const keychain = new FakeKeychain();
    await resolveStoreKey({ profileDir, keychain });
    keychain.entries.clear();
    const error = await rejection(resolveStoreKey({ profileDir, keychain }));
    expect((error as StorageError).code).toBe('STORE_KEYCHAIN_KEY_MISSING');
  });

  it('does not trust a keychain that accepts a key it cannot give back', async () => {
    const keychain = new FakeKeychain();
    keychain.forgetful = true;
    const resolved = await resolveStoreKey({ profileDir, keychain, passphrase: () => 'correct horse' });
    expect(resolved.source).toBe('passphrase');
    expect(existsSync(join(profileDir, 'store.keychain'))).toBe(false);
  });
});

describe('resolveStoreKey with a passphrase', () => {
  it('falls back to the passphrase when the keychain is down; the right one reopens, a wrong one is named', async () => {
    const keychain = new FakeKeychain();
    keychain.down = true;
    const created = await resolveStoreKey({
      profileDir,
      keychain,
      passphrase: () => Promise.resolve('correct horse'),
    });
    expect(created.source).toBe('passphrase');
    expect(created.key).toHaveLength(32);
    const saltFile = join(profileDir, 'store.salt');
    expect((statSync(saltFile).mode & 0o777).toString(8)).toBe('600');
    expect(JSON.parse(readFileSync(saltFile, 'utf8'))).toMatchObject({
      kdf: 'scrypt',
      N: 131072,
      r: 8,
      p: 1,
    });

    // Once a passphrase profile, always: a keychain that comes back later is not consulted.
    keychain.down = false;
    const again = await resolveStoreKey({ profileDir, keychain, passphrase: () => 'correct horse' });
    expect(again).toEqual({ key: created.key, source: 'passphrase' });
    expect(keychain.entries.size).toBe(0);

    const wrong = await rejection(
      resolveStoreKey({ profileDir, keychain, passphrase: () => 'battery staple' }),
    );
    expect(wrong).toBeInstanceOf(AuthError);
    expect((wrong as AuthError).code).toBe('STORE_WRONG_PASSPHRASE');
  });

  it('opens the same encrypted store with the re-derived key and reports the key source', async () => {
    const first = await resolveStoreKey({ profileDir, keychain: null, passphrase: () => 'pässwörd' });
    const file = join(profileDir, 'profile.db');
    const store = openProfileStore({ file, key: first.key, keySource: first.source });
    expect(store.keySource).toBe('passphrase');
    store.messages.append({
      id: 'm',
      groupId: 'g',
      sender: 's',
      direction: 'in',
      text: 't',
      epoch: 0n,
      sentAt: 1,
      receivedAt: 1,
    });
    store.close();
    // The NFC form of the same passphrase, typed as decomposed characters, derives the same key.
    const second = await resolveStoreKey({
      profileDir,
      keychain: null,
      passphrase: () => 'pa\u0308sswo\u0308rd',
    });
    const reopened = openProfileStore({ file, key: second.key, keySource: second.source });
    expect(reopened.messages.count()).toBe(1);
    reopened.close();
  });

  it('asks for a passphrase on a passphrase profile when none is given', async () => {
    await resolveStoreKey({ profileDir, keychain: null, passphrase: () => 'x' });
    const error = await rejection(resolveStoreKey({ profileDir, keychain: null }));
    expect((error as StorageError).code).toBe('STORE_PASSPHRASE_REQUIRED');
  });

  it('reports no key source when there is neither a keychain nor a passphrase', async () => {
    const keychain = new FakeKeychain();
    keychain.down = true;
    const error = await rejection(resolveStoreKey({ profileDir, keychain }));
    expect((error as StorageError).code).toBe('STORE_NO_KEY_SOURCE');
  });

  it('refuses an empty passphrase', async () => {
    const error = await rejection(resolveStoreKey({ profileDir, keychain: null, passphrase: () => '' }));
    expect((error as StorageError).code).toBe('STORE_EMPTY_PASSPHRASE');
  });
});

describe('the OS keychain with no D-Bus session', () => {
  it('rejects instead of hanging or crashing, and resolveStoreKey falls back to the passphrase', async () => {
    const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
    process.env.DBUS_SESSION_BUS_ADDRESS = `unix:path=${join(profileDir, '..', 'no-such-bus')}`;
    try {
      const keychain = createOsKeychain({ timeoutMs: 10_000 });
      const error = await rejection(keychain.getSecret(KEYCHAIN_SERVICE, 'qpc-test-no-dbus'));
      expect(error).toBeInstanceOf(Error);
      const resolved = await resolveStoreKey({ profileDir, passphrase: () => 'fallback' });
      expect(resolved.source).toBe('passphrase');
    } finally {
      if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
      else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
    }
  });
});
