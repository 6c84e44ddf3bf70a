import { StorageError } from '../../lib/errors.js';

export const StorageErrorCode = {
  WrongKey: 'DB_WRONG_KEY',
  OpenFailed: 'DB_OPEN_FAILED',
  KeyMissing: 'DB_KEY_MISSING',
  NewerSchema: 'DB_SCHEMA_TOO_NEW',
} as const;

export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

/** The key does not open the file: a wrong QPC_DB_KEY, or a file that is not a SQLCipher database. */
export class WrongDatabaseKeyError extends StorageError {
  constructor(path: string, options?: { cause?: unknown }) {
    super(StorageErrorCode.WrongKey, `${path}: the database key does not open this database`, {
      hint: 'Set QPC_DB_KEY to the key this database was created with.',
      ...options,
    });
  }
}
