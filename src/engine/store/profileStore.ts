/**
 * The client's encrypted local store: one SQLCipher file per profile (docs/storage.md), opened
 * with a raw 32-byte key from storeKey.ts, migrated to the current schema, exposed as the repositories of
 * types.ts. One process at a time holds a profile (profileLock.ts). Every SQLite failure surfaces as a typed StorageError (storageErrors.ts).
 */
import type { ClientProfileStore, ProfileStore, StoreKeySource } from './types.js';
import type { Database } from './encryptedDatabase.js';
import { openEncryptedDatabase, rekeyDatabase } from './encryptedDatabase.js';
import { applyMigrations } from './migrations.js';
import {
  SqliteGroupRepository,
  SqliteIdentityRepository,
  SqliteKeyPackageRepository,
} from './sqliteRepositories.js';
import { SqliteMessageRepository } from './sqliteMessageRepository.js';
import {
  SqliteContactRepository,
  SqliteInboxRepository,
  SqliteOutboxRepository,
  SqliteServerPinRepository,
  SqliteSettingsRepository,
} from './sqliteClientRepositories.js';
import { SqliteHeldIncomingRepository, SqlitePendingCommitRepository } from './sqlitePendingRepositories.js';
import { SqliteReadMarkerRepository } from './sqliteReadMarkers.js';
import { SqliteDeliveryProofRepository } from './sqliteDeliveryProofs.js';
import {
  SqliteContactTrustRepository,
  SqlitePeerAccessKeyRepository,
  SqliteRetiredHybridKeyRepository,
  SqliteSelfUpdateStateRepository,
} from './sqliteKeyRepositories.js';
import { withStorageErrors } from './storageErrors.js';
import { acquireProfileLock } from './profileLock.js';

export interface OpenProfileStoreOptions {
  /** Path of the profile database, e.g. <profileDir>/profile.db. Created (0600, parent 0700) if missing. */
  file: string;
  /** Raw 32-byte key. The store does not keep or wipe it: the caller wipes it after opening. */
  key: Uint8Array;
  /** Where the key came from, reported back as `store.keySource`. Default 'raw'. */
  keySource?: StoreKeySource;
}

/** The connection behind each open store, for rekeying; kept out of the public ProfileStore interface. */
const connections = new WeakMap<ProfileStore, Database>();

export function openProfileStore(options: OpenProfileStoreOptions): ClientProfileStore {
  const { file } = options;
  // Before the database is touched: a second process must not even run the migrations.
  const lock = acquireProfileLock(file);
  let db: Database;
  try {
    db = openEncryptedDatabase(file, options.key);
  } catch (error) {
    lock.release();
    throw error;
  }
  try {
    withStorageErrors(file, () => applyMigrations(db));
    const store: ClientProfileStore = {
      identity: new SqliteIdentityRepository(db),
      groups: new SqliteGroupRepository(db),
      keyPackages: new SqliteKeyPackageRepository(db),
      messages: new SqliteMessageRepository(db),
      settings: new SqliteSettingsRepository(db),
      serverPins: new SqliteServerPinRepository(db),
      outbox: new SqliteOutboxRepository(db),
      contacts: new SqliteContactRepository(db),
      inbox: new SqliteInboxRepository(db),
      pendingCommits: new SqlitePendingCommitRepository(db),
      heldIncoming: new SqliteHeldIncomingRepository(db),
      readMarkers: new SqliteReadMarkerRepository(db),
      deliveryProofs: new SqliteDeliveryProofRepository(db),
      contactTrust: new SqliteContactTrustRepository(db),
      peerAccessKeys: new SqlitePeerAccessKeyRepository(db),
      selfUpdateStates: new SqliteSelfUpdateStateRepository(db),
      retiredHybridKeys: new SqliteRetiredHybridKeyRepository(db),
      keySource: options.keySource ?? 'raw',
      transaction<T>(fn: () => T): T {
        return withStorageErrors(file, () => db.transaction(fn)());
      },
      close(): void {
        // Closing the last connection checkpoints the WAL into the main file and removes -wal and -shm.
        if (db.open) db.close();
        lock.release();
      },
    };
    connections.set(store, db);
    return store;
  } catch (error) {
    db.close();
    lock.release();
    throw error;
  }
}

/** The SQLite connection behind an open store, for the whole-table work of backups; undefined once closed. */
export function databaseOf(store: ProfileStore): Database | undefined {
  const db = connections.get(store);
  return db?.open === true ? db : undefined;
}

/**
 * Re-encrypts a profile database under newKey: either an open store (which stays open and usable) or a
 * closed file with its current key. After this, only newKey opens the file.
 */
export function rekeyProfileStore(
  target: ProfileStore | { file: string; key: Uint8Array },
  newKey: Uint8Array,
): void {
  if ('file' in target) {
    const db = openEncryptedDatabase(target.file, target.key);
    try {
      rekeyDatabase(db, newKey);
    } finally {
      db.close();
    }
    return;
  }
  const db = connections.get(target);
  if (db === undefined || !db.open) {
    throw new TypeError('rekeyProfileStore needs a store returned by openProfileStore and not yet closed');
  }
  rekeyDatabase(db, newKey);
}
