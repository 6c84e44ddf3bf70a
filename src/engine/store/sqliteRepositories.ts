/**
 * The four repositories of types.ts over the profile database. Statements are prepared once per store
 * and reused. Blobs are copied on the way in (SQLite copies at bind) and come back as fresh Uint8Arrays the
 * caller owns. Epochs are MLS uint64s, stored as decimal text because SQLite integers are signed 64-bit.
 */
import type Sqlite from 'better-sqlite3-multiple-ciphers';
import { CodecError } from '../../lib/errors.js';
import type {
  GroupRecord,
  GroupRepository,
  IdentityRecord,
  IdentityRepository,
  KeyPackageRecord,
  KeyPackageRepository,
} from './types.js';
import { withStorageErrors, StoreErrorCode } from './storageErrors.js';

type Database = Sqlite.Database;

/** A Buffer from SQLite turned into a Uint8Array with its own memory (not a view into a pool). */
export function ownBlob(value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new CodecError(StoreErrorCode.badRow, 'expected a blob column');
  return new Uint8Array(value);
}

/** Hands SQLite a Buffer view of the bytes (better-sqlite3 binds Buffers as blobs). */
export function asBlob(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function epochToText(epoch: bigint): string {
  if (epoch < 0n || epoch > 0xffff_ffff_ffff_ffffn) {
    throw new CodecError(StoreErrorCode.badEpoch, 'an MLS epoch is an unsigned 64-bit integer');
  }
  return epoch.toString(10);
}

export function epochFromText(text: string): bigint {
  if (!/^\d{1,20}$/.test(text))
    throw new CodecError(StoreErrorCode.badRow, 'stored epoch is not a decimal integer');
  return BigInt(text);
}

interface IdentityRow {
  signing_private_key: Buffer;
  signing_public_key: Buffer;
  hybrid_private_key: Buffer;
  hybrid_public_key: Buffer;
  username: string | null;
  created_at: number;
}

export class SqliteIdentityRepository implements IdentityRepository {
  readonly #file: string;
  readonly #select;
  readonly #upsert;

  constructor(db: Database) {
    this.#file = db.name;
    this.#select = db.prepare<[], IdentityRow>('SELECT * FROM identity WHERE id = 1');
    this.#upsert = db.prepare(
      `INSERT OR REPLACE INTO identity (id, signing_private_key, signing_public_key, hybrid_private_key,
         hybrid_public_key, username, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)`,
    );
  }

  load(): IdentityRecord | undefined {
    const row = withStorageErrors(this.#file, () => this.#select.get());
    if (row === undefined) return undefined;
    return {
      signingPrivateKey: ownBlob(row.signing_private_key),
      signingPublicKey: ownBlob(row.signing_public_key),
      hybridPrivateKey: ownBlob(row.hybrid_private_key),
      hybridPublicKey: ownBlob(row.hybrid_public_key),
      username: row.username,
      createdAt: row.created_at,
    };
  }

  save(identity: IdentityRecord): void {
    withStorageErrors(this.#file, () =>
      this.#upsert.run(
        asBlob(identity.signingPrivateKey),
        asBlob(identity.signingPublicKey),
        asBlob(identity.hybridPrivateKey),
        asBlob(identity.hybridPublicKey),
        identity.username,
        identity.createdAt,
      ),
    );
  }
}

interface GroupRow {
  group_id: string;
  name: string;
  ciphersuite: string;
  epoch: string;
  state: Buffer;
  updated_at: number;
}

function groupFromRow(row: GroupRow): GroupRecord {
  return {
    groupId: row.group_id,
    name: row.name,
    ciphersuite: row.ciphersuite,
    epoch: epochFromText(row.epoch),
    state: ownBlob(row.state),
    updatedAt: row.updated_at,
  };
}

export class SqliteGroupRepository implements GroupRepository {
  readonly #file: string;
  readonly #get;
  readonly #list;
  readonly #save;
  readonly #delete;

  constructor(db: Database) {
    this.#file = db.name;
    this.#get = db.prepare<[string], GroupRow>('SELECT * FROM groups WHERE group_id = ?');
    this.#list = db.prepare<[], GroupRow>('SELECT * FROM groups ORDER BY group_id');
    this.#save = db.prepare(
      `INSERT OR REPLACE INTO groups (group_id, name, ciphersuite, epoch, state, updated_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#delete = db.prepare('DELETE FROM groups WHERE group_id = ?');
  }

  get(groupId: string): GroupRecord | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(groupId));
    return row === undefined ? undefined : groupFromRow(row);
  }

  list(): GroupRecord[] {
    return withStorageErrors(this.#file, () => this.#list.all()).map(groupFromRow);
  }

  save(group: GroupRecord): void {
    const epoch = epochToText(group.epoch);
    withStorageErrors(this.#file, () =>
      this.#save.run(
        group.groupId,
        group.name,
        group.ciphersuite,
        epoch,
        asBlob(group.state),
        group.updatedAt,
      ),
    );
  }

  delete(groupId: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(groupId));
  }
}

interface KeyPackageRow {
  ref: string;
  ciphersuite: string;
  public_package: Buffer;
  private_package: Buffer;
  last_resort: number;
  created_at: number;
}

function keyPackageFromRow(row: KeyPackageRow): KeyPackageRecord {
  return {
    ref: row.ref,
    ciphersuite: row.ciphersuite,
    publicPackage: ownBlob(row.public_package),
    privatePackage: ownBlob(row.private_package),
    lastResort: row.last_resort === 1,
    createdAt: row.created_at,
  };
}

export class SqliteKeyPackageRepository implements KeyPackageRepository {
  readonly #file: string;
  readonly #put;
  readonly #get;
  readonly #list;
  readonly #delete;
  readonly #count;

  constructor(db: Database) {
    this.#file = db.name;
    this.#put = db.prepare(
      `INSERT OR REPLACE INTO key_packages (ref, ciphersuite, public_package, private_package, last_resort, created_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#get = db.prepare<[string], KeyPackageRow>('SELECT * FROM key_packages WHERE ref = ?');
    this.#list = db.prepare<[], KeyPackageRow>('SELECT * FROM key_packages ORDER BY created_at, ref');
    this.#delete = db.prepare('DELETE FROM key_packages WHERE ref = ?');
    this.#count = db.prepare<[], number>('SELECT count(*) FROM key_packages').pluck();
  }

  put(record: KeyPackageRecord): void {
    withStorageErrors(this.#file, () =>
      this.#put.run(
        record.ref,
        record.ciphersuite,
        asBlob(record.publicPackage),
        asBlob(record.privatePackage),
        record.lastResort ? 1 : 0,
        record.createdAt,
      ),
    );
  }

  get(ref: string): KeyPackageRecord | undefined {
    const row = withStorageErrors(this.#file, () => this.#get.get(ref));
    return row === undefined ? undefined : keyPackageFromRow(row);
  }

  list(): KeyPackageRecord[] {
    return withStorageErrors(this.#file, () => this.#list.all()).map(keyPackageFromRow);
  }

  delete(ref: string): void {
    withStorageErrors(this.#file, () => this.#delete.run(ref));
  }

  count(): number {
    return withStorageErrors(this.#file, () => this.#count.get() ?? 0);
  }
}
