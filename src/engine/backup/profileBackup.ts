/**
 * Export and import of the encrypted backup: the profile's contacts, trust, kept settings and history,
 * sealed under the key the 24 recovery words derive (backupKey.ts), in the container of backupFile.ts.
 * An import checks everything (header, key, tag, contents, identity) before it writes, and writes in one
 * transaction: a refused or failed import leaves the profile as it was. MLS group states are never part of
 * a backup: a restored person re-joins groups through invites, and the history of a group shows again
 * when they are back in it (the group id is the same).
 */
import { closeSync, fchmodSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { fromHex, toHex, wipe } from '../../lib/bytes.js';
import { EngineErrorCode } from '../engineErrors.js';
import { StoreErrorCode } from '../store/storageErrors.js';
import type { Clock } from '../../lib/clock.js';
import { StorageError, ValidationError } from '../../lib/errors.js';
import { validateIdentityMnemonic } from '../identity/index.js';
import { keyIndexOfWords } from '../identity/keyIndexOfWords.js';
import { keepRecoveryWords, keptRecoveryWords } from '../account/recoveryWords.js';
import { restoreProfileIdentity } from '../client/localIdentity.js';
import { databaseOf } from '../store/profileStore.js';
import { readBackupRows, writeBackupRows, type BackupRowCounts } from '../store/sqliteBackupRows.js';
import type { ClientProfileStore } from '../store/types.js';
import { BackupErrorCode } from './backupErrors.js';
import { backupKeyFromWords, wipeBackupKey } from './backupKey.js';
import { openBackup, readBackupHeader, sealBackup } from './backupFile.js';
import {
  BACKUP_CONTENTS_FORMAT,
  BACKUP_CONTENTS_VERSION,
  decodeBackupContents,
  encodeBackupContents,
  rowsOf,
  settingKeptInBackup,
  type BackupContents,
} from './backupContents.js';

const FORMER_NAME_PREFIX = 'group.formerName.';

export interface ExportBackupOptions {
  /** The 24 words; needed only when the profile does not keep them (profiles from before they were kept). */
  words?: string;
  /** The person's settings file as keys and values, carried along (the CLI and TUI read it). */
  userSettings?: Record<string, string>;
  clock: Clock;
}

export interface BackupSummary {
  contacts: number;
  settings: number;
  messages: number;
  bytes: number;
}

export interface ImportBackupResult extends BackupRowCounts {
  /** The account the backup belongs to (log in with it next when the identity was restored). */
  username: string | null;
  /** True when the profile had no identity and the words restored it. */
  identityRestored: boolean;
  userSettings: Record<string, string>;
}

function openDatabase(store: ClientProfileStore) {
  const db = databaseOf(store);
  if (db === undefined) {
    throw new StorageError(StoreErrorCode.closed, 'the profile is closed', {
      hint: 'unlock the profile first',
    });
  }
  return db;
}

/** Whether the words derive `publicKey` at some index: the current key of an account that rotated too. */
function wordsDeriveKey(words: string, publicKey: Uint8Array): boolean {
  return keyIndexOfWords(words, publicKey) !== undefined;
}

/** The whole backup file's bytes for this profile. */
export function createBackup(
  store: ClientProfileStore,
  options: ExportBackupOptions,
): { bytes: Uint8Array; summary: BackupSummary } {
  const record = store.identity.load();
  if (record === undefined)
    throw new ValidationError(EngineErrorCode.noIdentity, 'this profile has no identity yet');
  wipe(record.signingPrivateKey, record.hybridPrivateKey);
  const given = options.words === undefined ? undefined : validateIdentityMnemonic(options.words);
  const words = given ?? keptRecoveryWords(store);
  if (words === undefined) {
    throw new ValidationError(BackupErrorCode.wordsNeeded, 'this profile does not keep its recovery words', {
      hint: 'give the 24 words with --words-file FILE (or on stdin with --words-stdin)',
    });
  }
  if (!wordsDeriveKey(words, record.signingPublicKey)) {
    throw new ValidationError(
      BackupErrorCode.wordsMismatch,
      'these recovery words are not those of this profile',
      {
        hint: 'type the 24 words shown when this account was created',
      },
    );
  }
  // Typed once and right: kept, so the next export (and `qpc keys show-recovery`) needs none.
  if (given !== undefined) keepRecoveryWords(store, given);
  const db = openDatabase(store);
  const rows = readBackupRows(db, settingKeptInBackup);
  const groups: Record<string, string> = {};
  for (const row of rows.settings) {
    if (row.key.startsWith(FORMER_NAME_PREFIX)) groups[row.key.slice(FORMER_NAME_PREFIX.length)] = row.value;
  }
  for (const group of store.groups.list()) groups[group.groupId] = group.name;
  const contents: BackupContents = {
    format: BACKUP_CONTENTS_FORMAT,
    version: BACKUP_CONTENTS_VERSION,
    createdAt: options.clock.now(),
    identityKey: toHex(record.signingPublicKey),
    username: record.username,
    groups,
    ...rows,
    trust: store.contactTrust.list(),
    userSettings: options.userSettings ?? {},
  };
  const plaintext = encodeBackupContents(contents);
  const key = backupKeyFromWords(words);
  try {
    const bytes = sealBackup(key, plaintext);
    return {
      bytes,
      summary: {
        contacts: rows.contacts.length,
        settings: rows.settings.length,
        messages: rows.messages.length,
        bytes: bytes.length,
      },
    };
  } finally {
    wipeBackupKey(key);
    wipe(plaintext);
  }
}

/** Writes a backup file (0600) through a temporary file, so a crash never leaves half a backup at `path`. */
export function exportBackup(
  store: ClientProfileStore,
  path: string,
  options: ExportBackupOptions,
): BackupSummary {
  const { bytes, summary } = createBackup(store, options);
  const temporary = `${path}.${process.pid}.partial`;
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, bytes);
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
  return summary;
}

/** Checks and decrypts a backup's bytes with the words; writes nothing. */
export function readBackup(bytes: Uint8Array, wordsInput: string): BackupContents {
  const header = readBackupHeader(bytes);
  const words = validateIdentityMnemonic(wordsInput);
  const key = backupKeyFromWords(words, header.path);
  let plaintext: Uint8Array | undefined;
  try {
    plaintext = openBackup(bytes, header, key);
    const contents = decodeBackupContents(plaintext);
    if (!wordsDeriveKey(words, fromHex(contents.identityKey))) {
      throw new ValidationError(BackupErrorCode.otherIdentity, 'this backup belongs to another identity');
    }
    return contents;
  } finally {
    wipeBackupKey(key);
    wipe(plaintext);
  }
}

/**
 * Imports a backup into the profile, in one transaction. A profile with no account yet gets the identity
 * of the words (as `qpc account restore` would: log in next); a profile of another identity is refused.
 */
export function importBackupBytes(
  store: ClientProfileStore,
  bytes: Uint8Array,
  wordsInput: string,
  clock: Clock,
): ImportBackupResult {
  const contents = readBackup(bytes, wordsInput);
  const words = validateIdentityMnemonic(wordsInput);
  const record = store.identity.load();
  if (record !== undefined) wipe(record.signingPrivateKey, record.hybridPrivateKey);
  // The same account when the words derive the profile's key, whichever rotation either side is at.
  const sameIdentity =
    record !== undefined &&
    (toHex(record.signingPublicKey) === contents.identityKey ||
      wordsDeriveKey(words, record.signingPublicKey));
  if (record !== undefined && !sameIdentity && record.username !== null) {
    throw new ValidationError(
      BackupErrorCode.otherIdentity,
      `this profile belongs to ${record.username}, not to the backup's account`,
      {
        hint: 'import into a new profile: qpc --profile NEWDIR backup import FILE',
      },
    );
  }
  const db = openDatabase(store);
  const rows = rowsOf(contents);
  // Names of groups we are no longer in, so their history reads with a name (membershipTimeline.ts).
  const known = new Set(store.groups.list().map((group) => group.groupId));
  for (const [groupId, name] of Object.entries(contents.groups)) {
    if (!known.has(groupId)) rows.settings.push({ key: FORMER_NAME_PREFIX + groupId, value: name });
  }
  const counts = store.transaction(() => {
    if (!sameIdentity) restoreProfileIdentity(store, words, clock);
    keepRecoveryWords(store, words);
    for (const record of contents.trust) store.contactTrust.save(record);
    return writeBackupRows(db, rows);
  });
  return {
    ...counts,
    username: contents.username,
    identityRestored: !sameIdentity,
    userSettings: contents.userSettings,
  };
}

export function importBackup(
  store: ClientProfileStore,
  path: string,
  words: string,
  clock: Clock,
): ImportBackupResult {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new ValidationError(BackupErrorCode.unreadable, `cannot read ${path}`, { cause: error });
  }
  return importBackupBytes(store, bytes, words, clock);
}
