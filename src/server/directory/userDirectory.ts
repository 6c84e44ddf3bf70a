import { ValidationError } from '../../lib/errors.js';
import { AuthErrorCode } from '../auth/authErrors.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import { IdentityKeyHistory } from './identityRotation.js';
import { normalizeUsername } from './usernames.js';

export const IDENTITY_KEY_BYTES = 32;
/** Hybrid (X25519 + ML-KEM-768) public key, serialized by the client's envelope module; bounded, not parsed. */
export const HYBRID_KEY_MAX_BYTES = 4096;

export interface DirectoryEntry {
  username: string;
  /** Ed25519 identity public key (32 bytes). */
  identityKey: Uint8Array;
  /** Hybrid envelope public key. */
  hybridKey: Uint8Array;
}

export interface UserRecord extends DirectoryEntry {
  userId: number;
  registrationRecord: string;
  createdAt: number;
  /** The OPAQUE setup generation the record was made under (auth/opaqueSetupGeneration.ts). */
  opaqueGeneration: number;
}

interface UserRow {
  id: number;
  username: string;
  registration_record: string;
  identity_key: Buffer;
  hybrid_key: Buffer;
  created_at: number;
  opaque_generation: number;
}

function toRecord(row: UserRow): UserRecord {
  return {
    userId: row.id,
    username: row.username,
    registrationRecord: row.registration_record,
    identityKey: new Uint8Array(row.identity_key),
    hybridKey: new Uint8Array(row.hybrid_key),
    createdAt: row.created_at,
    opaqueGeneration: row.opaque_generation,
  };
}

export function validateAccountKeys(identityKey: Uint8Array, hybridKey: Uint8Array): void {
  if (identityKey.length !== IDENTITY_KEY_BYTES) {
    throw new ValidationError(AuthErrorCode.BadKey, `the identity key must be ${IDENTITY_KEY_BYTES} bytes`);
  }
  if (hybridKey.length === 0 || hybridKey.length > HYBRID_KEY_MAX_BYTES) {
    throw new ValidationError(
      AuthErrorCode.BadKey,
      `the hybrid key must be 1 to ${HYBRID_KEY_MAX_BYTES} bytes`,
    );
  }
}

/** Accounts: username -> identity key + hybrid key, and the OPAQUE record used at login. */
export class UserDirectory {
  private readonly byName;
  private readonly byIdentity;
  private readonly byId;
  /** Rotated identity keys (identityRotation.ts): replacement, and delivery to a retired key. */
  readonly keyHistory: IdentityKeyHistory;

  constructor(private readonly db: ServerDatabase) {
    this.keyHistory = new IdentityKeyHistory(db);
    this.byName = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username = ?');
    this.byIdentity = db.prepare<[Buffer], UserRow>('SELECT * FROM users WHERE identity_key = ?');
    this.byId = db.prepare<[number], UserRow>('SELECT * FROM users WHERE id = ?');
  }

  /** Public lookup for clients: who is this username? Undefined for an unknown or malformed name. */
  lookup(username: string): DirectoryEntry | undefined {
    const record = this.findByUsername(username);
    if (record === undefined) return undefined;
    return { username: record.username, identityKey: record.identityKey, hybridKey: record.hybridKey };
  }

  findByUsername(username: string): UserRecord | undefined {
    let normalized: string;
    try {
      normalized = normalizeUsername(username);
    } catch {
      // A name that breaks the username rules cannot belong to anyone.
      return undefined;
    }
    const row = this.byName.get(normalized);
    return row === undefined ? undefined : toRecord(row);
  }

  findByIdentityKey(identityKey: Uint8Array): UserRecord | undefined {
    const row = this.byIdentity.get(Buffer.from(identityKey));
    return row === undefined ? undefined : toRecord(row);
  }

  findById(userId: number): UserRecord | undefined {
    const row = this.byId.get(userId);
    return row === undefined ? undefined : toRecord(row);
  }

  /** Insert an account; returns its id, or 'username-taken' / 'identity-key-taken' on a unique clash. */
  insert(
    entry: DirectoryEntry & { registrationRecord: string; createdAt: number; opaqueGeneration?: number },
  ): number | 'username-taken' | 'identity-key-taken' {
    const insert = this.db.prepare<[string, string, Buffer, Buffer, number, number]>(
      'INSERT INTO users (username, registration_record, identity_key, hybrid_key, created_at, opaque_generation) VALUES (?, ?, ?, ?, ?, ?)',
    );
    try {
      const result = insert.run(
        entry.username,
        entry.registrationRecord,
        Buffer.from(entry.identityKey),
        Buffer.from(entry.hybridKey),
        entry.createdAt,
        entry.opaqueGeneration ?? 0,
      );
      return Number(result.lastInsertRowid);
    } catch (error) {
      const message = (error as Error).message;
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        return message.includes('users.identity_key') ? 'identity-key-taken' : 'username-taken';
      }
      throw error;
    }
  }

  /** Re-registration: the account's new OPAQUE record, made under the setup of `opaqueGeneration`. */
  replaceRegistration(userId: number, registrationRecord: string, opaqueGeneration: number): void {
    this.db
      .prepare<[string, number, number]>(
        'UPDATE users SET registration_record = ?, opaque_generation = ? WHERE id = ?',
      )
      .run(registrationRecord, opaqueGeneration, userId);
  }
}
