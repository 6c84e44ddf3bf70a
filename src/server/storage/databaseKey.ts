import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '../../lib/bytes.js';
import { StorageError } from '../../lib/errors.js';
import type { RandomBytes } from '../serverDeps.js';
import { SERVER_DATABASE_FILE } from './openServerDatabase.js';
import { StorageErrorCode } from './storageErrors.js';

/** Where development keeps its generated database key (hex, mode 0600). */
export const DEV_DB_KEY_FILE = 'db.key';

export interface DatabaseKey {
  /** 32 bytes; wipe after openServerDatabase. */
  key: Uint8Array;
  source: 'configured' | 'data-dir' | 'generated';
}

/**
 * The configured QPC_DB_KEY, or in development a key kept beside the database. Production never
 * generates one: losing it would lose every account, so an operator must hold it. A key is generated
 * only for a new directory: a database without its key refuses to start, since a fresh random key
 * could never open it and would only hide what went missing.
 */
export function resolveDatabaseKey(input: {
  dbKeyHex: string | undefined;
  dataDir: string;
  production: boolean;
  randomBytes: RandomBytes;
}): DatabaseKey {
  if (input.dbKeyHex !== undefined) return { key: fromHex(input.dbKeyHex), source: 'configured' };
  if (input.production) {
    throw new StorageError(StorageErrorCode.KeyMissing, 'QPC_DB_KEY: production mode needs a database key');
  }
  const path = join(input.dataDir, DEV_DB_KEY_FILE);
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) {
    const key = fromHex(text);
    if (key.length !== 32) {
      throw new StorageError(StorageErrorCode.KeyMissing, `${path}: expected 64 hexadecimal digits`);
    }
    return { key, source: 'data-dir' };
  }
  const database = join(input.dataDir, SERVER_DATABASE_FILE);
  if (existsSync(database)) {
    throw new StorageError(
      StorageErrorCode.KeyMissing,
      `${database} exists but its key is missing: neither QPC_DB_KEY nor ${path} is set`,
      {
        hint: `Restore ${path} from your backup or set QPC_DB_KEY to the key this database was created with; a new key would not open it.`,
      },
    );
  }
  mkdirSync(input.dataDir, { recursive: true, mode: 0o700 });
  const key = input.randomBytes(32);
  writeFileSync(path, `${toHex(key)}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'generated' };
}
