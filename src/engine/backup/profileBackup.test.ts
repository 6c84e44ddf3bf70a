/**
 * The backup against real SQLCipher profiles: what goes in comes back on a fresh profile; a wrong
 * phrase, a cut file, a flipped byte anywhere and a foreign profile are refused with their codes and
 * leave the target profile exactly as it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { generateIdentityMnemonic } from '../identity/index.js';
import { mnemonicToIdentitySeed } from '../identity/mnemonic.js';
import { identityAtIndex } from '../identity/rotationStatement.js';
import { createProfileIdentity } from '../client/localIdentity.js';
import { saveTrust, allTrust } from '../client/contactTrust.js';
import { openProfileStore } from '../store/profileStore.js';
import type { ClientProfileStore } from '../store/types.js';
import { BackupErrorCode } from './backupErrors.js';
import { createBackup, exportBackup, importBackup, importBackupBytes } from './profileBackup.js';

const opened: { dir: string; store: ClientProfileStore }[] = [];
function createStore(): { dir: string; store: ClientProfileStore } {
  const dir = mkdtempSync(join(tmpdir(), 'qpc-backup-'));
  const store = openProfileStore({ file: join(dir, 'profile.db'), key: new Uint8Array(randomBytes(32)) });
  const entry = { dir, store };
  opened.push(entry);
  return entry;
}
afterEach(() => {
  for (const { dir, store } of opened.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

const GROUP = 'ab'.repeat(16);
const BOB = 'cd'.repeat(32);

function filledProfile(): { store: ClientProfileStore; dir: string; words: string } {
  const { store, dir } = createStore();
  const words = createProfileIdentity(store, systemClock);
  store.contacts.saveUsername(BOB, 'bob');
  store.contacts.markVerified(BOB, 'f'.repeat(64), 1234);
  saveTrust(store, {
    username: 'bob',
    identityKey: BOB,
    verifiedFingerprint: 'f'.repeat(64),
    verifiedAt: 1234,
    lastSeenKey: BOB,
    acknowledged: true,
  });
  store.settings.set('invites.autoAccept', 'contacts');
  store.settings.set('session.token', 'secret-session');
  store.settings.set('group.formerName.' + GROUP, 'friends');
  for (let index = 0; index < 50; index += 1) {
    store.messages.append({
      id: `m${index}`,
      groupId: GROUP,
      sender: BOB,
      direction: index % 2 === 0 ? 'in' : 'out',
      text: `message ${index}`,
      epoch: 3n,
      sentAt: 1000 + index,
      receivedAt: 2000 + index,
    });
  }
  return { store, dir, words };
}

function snapshot(store: ClientProfileStore): unknown {
  const identity = store.identity.load();
  return {
    identity: identity === undefined ? undefined : Buffer.from(identity.signingPublicKey).toString('hex'),
    contact: store.contacts.get(BOB),
    messages: store.messages.count(),
    trust: allTrust(store),
    invites: store.settings.get('invites.autoAccept'),
  };
}

describe('encrypted backup', () => {
  it('restores contacts, trust, kept settings and history on a fresh profile, and nothing of this device', () => {
    const source = filledProfile();
    const file = join(source.dir, 'qpc.backup');
    const summary = exportBackup(source.store, file, { clock: systemClock, userSettings: { theme: 'dark' } });
    expect(summary).toMatchObject({ contacts: 1, messages: 50 });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const target = createStore();
    const result = importBackup(target.store, file, source.words, systemClock);
    expect(result).toMatchObject({ messages: 50, identityRestored: true, userSettings: { theme: 'dark' } });
    expect(target.store.contacts.get(BOB)).toEqual(source.store.contacts.get(BOB));
    expect(allTrust(target.store)).toEqual(allTrust(source.store));
    expect(target.store.settings.get('invites.autoAccept')).toBe('contacts');
    expect(target.store.settings.get('session.token')).toBeUndefined();
    expect(target.store.messages.list(GROUP, { limit: 100 }).map((message) => message.text)).toEqual(
      source.store.messages.list(GROUP, { limit: 100 }).map((message) => message.text),
    );
    const restored = target.store.identity.load();
    expect(Buffer.from(restored?.signingPublicKey ?? []).toString('hex')).toBe(
      Buffer.from(source.store.identity.load()?.signingPublicKey ?? []).toString('hex'),
    );
    // Imported history counts as read; importing again adds nothing.
    expect(target.store.readMarkers.unreadCounts().get(GROUP) ?? 0).toBe(0);
    expect(importBackup(target.store, file, source.words, systemClock).messages).toBe(0);
  });

  it('refuses a wrong phrase, a cut file and any flipped byte, importing nothing', () => {
    const source = filledProfile();
    const { bytes } = createBackup(source.store, { clock: systemClock });
    const target = createStore();
    const before = snapshot(target.store);
    const attempt =
      (file: Uint8Array, words = source.words) =>
      () =>
        importBackupBytes(target.store, file, words, systemClock);

    expect(attempt(bytes, generateIdentityMnemonic(24))).toThrow(
      expect.objectContaining({ code: BackupErrorCode.wrongWords }),
    );
    expect(attempt(bytes.subarray(0, bytes.length - 1))).toThrow(
      expect.objectContaining({ code: BackupErrorCode.truncated }),
    );
    expect(attempt(bytes.subarray(0, 20))).toThrow(
      expect.objectContaining({ code: BackupErrorCode.truncated }),
    );
    expect(attempt(new Uint8Array(Buffer.from('hello, not a backup')))).toThrow(
      expect.objectContaining({ code: BackupErrorCode.notABackup }),
    );
    // Every byte position: some typed backup error, never an import.
    const codes = new Set<string>();
    for (let index = 0; index < bytes.length; index += Math.max(1, Math.floor(bytes.length / 80))) {
      const flipped = bytes.slice();
      flipped[index] = (flipped[index] ?? 0) ^ 0x01;
      try {
        importBackupBytes(target.store, flipped, source.words, systemClock);
        codes.add('IMPORTED');
      } catch (error) {
        codes.add((error as { code: string }).code);
      }
    }
    expect(codes.has('IMPORTED')).toBe(false);
    expect([...codes].every((code) => code.startsWith('BACKUP_'))).toBe(true);
    expect(codes.has(BackupErrorCode.tampered)).toBe(true);
    expect(snapshot(target.store)).toEqual(before);
  });

  it('refuses a profile of another account and export words that are not the profile’s', () => {
    const source = filledProfile();
    const { bytes } = createBackup(source.store, { clock: systemClock });
    const other = createStore();
    createProfileIdentity(other.store, systemClock);
    const record = other.store.identity.load();
    if (record === undefined) throw new Error('no identity');
    other.store.identity.save({ ...record, username: 'carol' });
    const before = snapshot(other.store);
    expect(() => importBackupBytes(other.store, bytes, source.words, systemClock)).toThrow(
      expect.objectContaining({ code: BackupErrorCode.otherIdentity }),
    );
    expect(snapshot(other.store)).toEqual(before);
    expect(() =>
      createBackup(source.store, { clock: systemClock, words: generateIdentityMnemonic(24) }),
    ).toThrow(expect.objectContaining({ code: BackupErrorCode.wordsMismatch }));
  });

  it('keeps working for an account that rotated its identity key: export, and import on either side', () => {
    const source = filledProfile();
    const before = createBackup(source.store, { clock: systemClock }).bytes;
    // What a rotation to index 2 leaves in the profile: the key of the same words at that index.
    const seed = mnemonicToIdentitySeed(source.words);
    const rotated = identityAtIndex(seed, 2);
    seed.fill(0);
    const record = source.store.identity.load();
    if (record === undefined) throw new Error('no identity');
    source.store.identity.save({
      ...record,
      signingPrivateKey: rotated.privateKey,
      signingPublicKey: rotated.publicKey,
    });
    const after = createBackup(source.store, { clock: systemClock });
    expect(after.summary.messages).toBe(50);
    // A backup from before the rotation is the same account's: it imports without replacing the key.
    const result = importBackupBytes(source.store, before, source.words, systemClock);
    expect(result.identityRestored).toBe(false);
    expect(source.store.identity.load()?.signingPublicKey).toEqual(rotated.publicKey);
    // The one from after opens on a fresh profile with the same words.
    const fresh = createStore();
    expect(importBackupBytes(fresh.store, after.bytes, source.words, systemClock).messages).toBe(50);
  });

  it('asks for the words when the profile does not keep them', () => {
    const source = filledProfile();
    source.store.settings.delete('identity.recovery_words');
    expect(() => createBackup(source.store, { clock: systemClock })).toThrow(
      expect.objectContaining({ code: BackupErrorCode.wordsNeeded }),
    );
    const file = join(source.dir, 'b');
    exportBackup(source.store, file, { clock: systemClock, words: source.words });
    expect(readFileSync(file).subarray(0, 6).toString()).toBe('QPCBAK');
    // Typed once, kept: the next export needs none.
    expect(createBackup(source.store, { clock: systemClock }).summary.messages).toBe(50);
  });
});
