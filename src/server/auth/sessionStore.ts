import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { wipe } from '../../lib/bytes.js';
import type { AuthError } from '../../lib/errors.js';
import type { RandomBytes } from '../serverDeps.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import { sessionInvalid } from './authErrors.js';

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/**
 * Live sessions one account may hold; a new login past it ends the account's oldest session, so one
 * account (or a stolen password) cannot grow the sessions table without bound.
 */
export const MAX_SESSIONS_PER_ACCOUNT = 32;

/** Who a valid session token belongs to. */
export interface SessionIdentity {
  userId: number;
  /** The account's Ed25519 identity public key: deliveries are addressed by it. */
  identityKey: Uint8Array;
  expiresAt: number;
}

export interface IssuedSession {
  /** 32 random bytes, base64url (43 characters). Sent once to the client; the server keeps only its SHA-256. */
  token: string;
  expiresAt: number;
}

function hashToken(tokenBytes: Uint8Array): Buffer {
  return createHash('sha256').update(tokenBytes).digest();
}

/**
 * Login sessions. The database holds SHA-256(token), so a copy of the database does not let anyone act
 * as a user. The lookup by hash needs no constant-time compare: the hash of an unknown token says
 * nothing about a valid one.
 */
export class SessionStore {
  private readonly insertStatement;
  private readonly selectStatement;
  private readonly deleteStatement;
  private readonly pruneStatement;
  private readonly trimStatement;
  private readonly createTransaction;
  private readonly revokeAccountStatement;

  constructor(
    db: ServerDatabase,
    private readonly deps: {
      clock: Clock;
      randomBytes: RandomBytes;
      sessionTtlMs: number;
      maxSessionsPerAccount?: number;
    },
  ) {
    this.insertStatement = db.prepare<[Buffer, number, Buffer, number, number]>(
      'INSERT INTO sessions (token_hash, user_id, identity_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    this.selectStatement = db.prepare<
      [Buffer],
      { user_id: number; identity_key: Buffer; expires_at: number }
    >('SELECT user_id, identity_key, expires_at FROM sessions WHERE token_hash = ?');
    this.deleteStatement = db.prepare<[Buffer]>('DELETE FROM sessions WHERE token_hash = ?');
    this.revokeAccountStatement = db.prepare<[number, Buffer]>(
      'DELETE FROM sessions WHERE user_id = ? AND token_hash != ?',
    );
    this.pruneStatement = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');
    this.trimStatement = db.prepare<[number, number, number]>(
      `DELETE FROM sessions WHERE user_id = ? AND token_hash NOT IN (
         SELECT token_hash FROM sessions WHERE user_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?)`,
    );
    this.createTransaction = db.transaction(
      (tokenHash: Buffer, userId: number, identityKey: Buffer, now: number, expiresAt: number) => {
        this.insertStatement.run(tokenHash, userId, identityKey, now, expiresAt);
        this.trimStatement.run(userId, userId, this.deps.maxSessionsPerAccount ?? MAX_SESSIONS_PER_ACCOUNT);
      },
    );
  }

  create(userId: number, identityKey: Uint8Array): IssuedSession {
    const tokenBytes = this.deps.randomBytes(TOKEN_BYTES);
    const now = this.deps.clock.now();
    const expiresAt = now + this.deps.sessionTtlMs;
    this.createTransaction(hashToken(tokenBytes), userId, Buffer.from(identityKey), now, expiresAt);
    const token = Buffer.from(tokenBytes).toString('base64url');
    wipe(tokenBytes);
    return { token, expiresAt };
  }

  /** The session's identity, or an AuthError (AUTH_SESSION_INVALID) for unknown, malformed or expired tokens. */
  authenticate(token: string): SessionIdentity | AuthError {
    const tokenHash = this.hashOf(token);
    if (tokenHash === undefined) return sessionInvalid();
    const row = this.selectStatement.get(tokenHash);
    if (row === undefined) return sessionInvalid();
    if (row.expires_at <= this.deps.clock.now()) {
      this.deleteStatement.run(tokenHash);
      return sessionInvalid();
    }
    return { userId: row.user_id, identityKey: new Uint8Array(row.identity_key), expiresAt: row.expires_at };
  }

  /** Log out. Returns whether a session was removed. */
  revoke(token: string): boolean {
    const tokenHash = this.hashOf(token);
    return tokenHash !== undefined && this.deleteStatement.run(tokenHash).changes > 0;
  }

  /**
   * End every session of the account but `keepToken`'s (when given): after its password changed, a
   * session opened with the old one must not outlive it. Returns how many ended.
   */
  revokeAccount(userId: number, keepToken?: string): number {
    const keep = keepToken === undefined ? undefined : this.hashOf(keepToken);
    return this.revokeAccountStatement.run(userId, keep ?? Buffer.alloc(0)).changes;
  }

  /** Delete expired sessions; returns how many. */
  pruneExpired(): number {
    return this.pruneStatement.run(this.deps.clock.now()).changes;
  }

  private hashOf(token: string): Buffer | undefined {
    if (!TOKEN_PATTERN.test(token)) return undefined;
    const tokenBytes = new Uint8Array(Buffer.from(token, 'base64url'));
    const digest = hashToken(tokenBytes);
    wipe(tokenBytes);
    return digest;
  }
}
