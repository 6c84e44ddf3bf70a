/**
 * The real OS keychain through @napi-rs/keyring. Runs only with QPC_TEST_KEYCHAIN=1, in an environment
 * that has a Secret Service. Headless Linux (Debian: apt-get install gnome-keyring dbus-user-session), with
 * a throwaway XDG_DATA_HOME so gnome-keyring creates a fresh login keyring that the password unlocks
 * (an existing ~/.local/share/keyrings/login.keyring with another password would stay locked):
 *
 *   XDG_DATA_HOME=$(mktemp -d) dbus-run-session -- sh -c 'printf test |
 *     gnome-keyring-daemon --unlock --components=secrets >/dev/null &&
 *     QPC_TEST_KEYCHAIN=1 npx vitest run src/engine/store/storeKey.keychain.test.ts'
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOsKeychain } from './osKeychain.js';
import { openProfileStore } from './profileStore.js';
import { KEYCHAIN_SERVICE, resolveStoreKey } from './storeKey.js';

describe.runIf(process.env.QPC_TEST_KEYCHAIN === '1')('the real OS keychain', () => {
  let root: string;
  const keychain = createOsKeychain();
  const accounts: string[] = [];

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'qpc-keychain-'));
  });

  afterEach(async () => {
    for (const account of accounts.splice(0)) await keychain.deleteSecret(KEYCHAIN_SERVICE, account);
    rmSync(root, { recursive: true, force: true });
  });

  it('stores a new profile key in the keychain, finds it again, and the key opens the store', async () => {
    const profileDir = join(root, 'profile');
    const neverAsked = (): string => {
      throw new Error('the keychain answers, so no passphrase should be asked for');
    };
    const first = await resolveStoreKey({ profileDir, passphrase: neverAsked });
    const marker = JSON.parse(readFileSync(join(profileDir, 'store.keychain'), 'utf8')) as {
      account: string;
    };
    accounts.push(marker.account);
    expect(first.source).toBe('keychain');
    expect(await keychain.getSecret(KEYCHAIN_SERVICE, marker.account)).toEqual(first.key);

    const file = join(profileDir, 'profile.db');
    const store = openProfileStore({ file, key: first.key, keySource: first.source });
    store.messages.append({
      id: 'm',
      groupId: 'g',
      sender: 's',
      direction: 'in',
      text: 't',
      epoch: 1n,
      sentAt: 1,
      receivedAt: 1,
    });
    store.close();

    const second = await resolveStoreKey({ profileDir, passphrase: neverAsked });
    expect(second.key).toEqual(first.key);
    const reopened = openProfileStore({ file, key: second.key, keySource: second.source });
    expect(reopened.keySource).toBe('keychain');
    expect(reopened.messages.count()).toBe(1);
    reopened.close();
  });
});
