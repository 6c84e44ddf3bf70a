import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { fingerprintOf, identityFromMnemonic } from '../identity/index.js';
import { openProfileStore } from '../store/profileStore.js';
import type { ClientProfileStore } from '../store/types.js';
import { restoreProfileIdentity } from '../client/localIdentity.js';
import { confirmRecoveryWords, pendingRecoveryWords, prepareRegistrationIdentity } from './recoveryWords.js';

function fingerprintOfWords(words: string): string {
  return fingerprintOf(identityFromMnemonic(words).publicKey).hex;
}

const opened: { dir: string; store: ClientProfileStore }[] = [];
function createStore(): ClientProfileStore {
  const dir = mkdtempSync(join(tmpdir(), 'qpc-words-'));
  const store = openProfileStore({ file: join(dir, 'profile.db'), key: new Uint8Array(randomBytes(32)) });
  opened.push({ dir, store });
  return store;
}
afterEach(() => {
  for (const { dir, store } of opened.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function profileFingerprint(store: ClientProfileStore): string {
  const record = store.identity.load();
  if (record === undefined) throw new Error('no identity');
  return fingerprintOf(record.signingPublicKey).hex;
}

describe('recovery words until confirmed', () => {
  it('keeps the same words for a retry and forgets them once confirmed', () => {
    const store = createStore();
    const words = prepareRegistrationIdentity(store, systemClock);
    expect(words?.split(' ')).toHaveLength(24);
    expect(fingerprintOfWords(words ?? '')).toBe(profileFingerprint(store));
    // A failed registration, retried: same identity, same words.
    expect(prepareRegistrationIdentity(store, systemClock)).toBe(words);
    const record = store.identity.load();
    if (record === undefined) throw new Error('no identity');
    store.identity.save({ ...record, username: 'alice' });
    expect(pendingRecoveryWords(store)).toBe(words);
    confirmRecoveryWords(store);
    expect(pendingRecoveryWords(store)).toBeUndefined();
  });

  it('never shows words that are not those of the key in the profile', () => {
    const store = createStore();
    const first = prepareRegistrationIdentity(store, systemClock) ?? '';
    // The person switched to "log in with my recovery words" and typed another account's words.
    restoreProfileIdentity(store, `${'abandon '.repeat(23)}art`, systemClock);
    expect(pendingRecoveryWords(store)).toBeUndefined();
    // ...then came back to "register": a fresh identity with its own words, not the first ones.
    const second = prepareRegistrationIdentity(store, systemClock) ?? '';
    expect(second).not.toBe(first);
    expect(fingerprintOfWords(second)).toBe(profileFingerprint(store));
  });
});
