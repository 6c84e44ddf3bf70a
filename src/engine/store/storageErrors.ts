/**
 * Typed failures of the local encrypted store. SQLite reports trouble as SqliteError with a code such as
 * SQLITE_FULL or SQLITE_IOERR_WRITE; callers should not parse those, so every repository call goes through
 * `withStorageErrors`, which turns them into StorageError subclasses with stable codes and a next step.
 * The process stays up: the store remains usable once the cause (a full disk, say) is gone.
 */
import { StorageError } from '../../lib/errors.js';

export const STORE_WRONG_KEY = 'STORE_WRONG_KEY';
export const STORE_DISK_FULL = 'STORE_DISK_FULL';
export const STORE_IO = 'STORE_IO';
export const STORE_CORRUPT = 'STORE_CORRUPT';
export const STORE_BUSY = 'STORE_BUSY';
export const STORE_FAILED = 'STORE_FAILED';
/** Another live process has this profile open (profileLock.ts). */
export const STORE_PROFILE_LOCKED = 'STORE_PROFILE_LOCKED';

/** Every code of the local store, those above and those of the store's key, schema and rows. */
export const StoreErrorCode = {
  /** The profile store was closed (a lock, or the end of the process) and cannot be read or written. */
  closed: 'STORE_CLOSED',
  wrongKey: STORE_WRONG_KEY,
  diskFull: STORE_DISK_FULL,
  io: STORE_IO,
  corrupt: STORE_CORRUPT,
  busy: STORE_BUSY,
  failed: STORE_FAILED,
  profileLocked: STORE_PROFILE_LOCKED,
  /** A raw store key that is not 32 bytes. */
  badKeyLength: 'STORE_BAD_KEY_LENGTH',
  /** A rekey asked for while the database is in use. */
  rekeyBusy: 'STORE_REKEY_BUSY',
  /** The profile was written by a newer qpc. */
  schemaTooNew: 'STORE_SCHEMA_TOO_NEW',
  /** Migrations out of order: a bug. */
  migrationOrder: 'STORE_MIGRATION_ORDER',
  wrongPassphrase: 'STORE_WRONG_PASSPHRASE',
  emptyPassphrase: 'STORE_EMPTY_PASSPHRASE',
  badSaltFile: 'STORE_BAD_SALT_FILE',
  /** A stored row that does not decode (a column of the wrong type or value). */
  badRow: 'STORE_BAD_ROW',
  /** An epoch that is not an unsigned 64-bit integer. */
  badEpoch: 'STORE_BAD_EPOCH',
  badKeychainMarker: 'STORE_BAD_KEYCHAIN_MARKER',
  keychainUnavailable: 'STORE_KEYCHAIN_UNAVAILABLE',
  keychainKeyMissing: 'STORE_KEYCHAIN_KEY_MISSING',
  keychainKeyInvalid: 'STORE_KEYCHAIN_KEY_INVALID',
  passphraseRequired: 'STORE_PASSPHRASE_REQUIRED',
  noKeySource: 'STORE_NO_KEY_SOURCE',
} as const;

/** The key does not open the file (or the file is not a database at all: SQLCipher cannot tell them apart). */
export class StoreWrongKeyError extends StorageError {
  constructor(file: string, cause?: unknown) {
    super(STORE_WRONG_KEY, `the key does not open the profile database ${file}`, {
      hint: 'Check the passphrase (QPC_PASSPHRASE when set), the raw key (QPC_STORE_KEY when set) or the keychain entry for this profile; if the file is not a quicprochat profile, move it away.',
      cause,
    });
  }
}

export class StoreDiskFullError extends StorageError {
  constructor(cause?: unknown) {
    super(STORE_DISK_FULL, 'the disk holding the profile database is full; the last change was not saved', {
      hint: 'Free some disk space, then retry; nothing already saved was lost.',
      cause,
    });
  }
}

export class StoreIoError extends StorageError {
  constructor(cause?: unknown) {
    super(STORE_IO, 'reading or writing the profile database failed', {
      hint: 'Check that the disk is mounted, writable and healthy, then retry.',
      cause,
    });
  }
}

export class StoreCorruptError extends StorageError {
  constructor(cause?: unknown) {
    super(STORE_CORRUPT, 'the profile database is damaged', {
      hint: 'Restore the profile from a backup, or restore the identity from its 24 recovery words into a new profile.',
      cause,
    });
  }
}

export class StoreBusyError extends StorageError {
  constructor(cause?: unknown) {
    super(STORE_BUSY, 'the profile database is locked by another process', {
      hint: 'Close the other qpc running on this profile, then retry.',
      cause,
    });
  }
}

function sqliteCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Maps an error thrown by better-sqlite3 to a typed StorageError. Extended codes (SQLITE_IOERR_WRITE,
 * SQLITE_CORRUPT_VTAB...) map by their primary code. Errors that are not SQLite's pass through unchanged.
 */
export function toStorageError(error: unknown, file: string): unknown {
  if (error instanceof StorageError) return error;
  const code = sqliteCode(error);
  if (code === undefined) return error;
  const primary = code.replace(/^(SQLITE_[A-Z]+)(?:_.*)?$/, '$1');
  switch (primary) {
    case 'SQLITE_NOTADB':
      return new StoreWrongKeyError(file, error);
    case 'SQLITE_FULL':
      return new StoreDiskFullError(error);
    case 'SQLITE_IOERR':
    case 'SQLITE_CANTOPEN':
    case 'SQLITE_READONLY':
    case 'SQLITE_PERM':
      return new StoreIoError(error);
    case 'SQLITE_CORRUPT':
      return new StoreCorruptError(error);
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return new StoreBusyError(error);
    default:
      return new StorageError(STORE_FAILED, `the profile database refused an operation (${code})`, {
        hint: 'This is likely a bug in qpc; please report it with the code shown.',
        cause: error,
      });
  }
}

/** Runs fn and rethrows any SQLite failure as a typed StorageError. */
export function withStorageErrors<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toStorageError(error, file);
  }
}
