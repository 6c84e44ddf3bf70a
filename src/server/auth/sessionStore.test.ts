import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError } from '../../lib/errors.js';
import { BearerTokenVerifier } from './bearerToken.js';
import { MAX_SESSIONS_PER_ACCOUNT } from './sessionStore.js';
import { createAuthHarness, registerUser, type AuthHarness } from './testSupport.js';

let h: AuthHarness;
beforeEach(async () => {
  h = await createAuthHarness(60_000);
});
afterEach(() => h.db.close());

describe('SessionStore', () => {
  it('authenticates a token until it expires, then gives AUTH_SESSION_INVALID', async () => {
    const key = new Uint8Array(32).fill(4);
    const userId = await registerUser(h.auth, 'dave', 'pw', key);
    const { token, expiresAt } = h.sessions.create(userId, key);
    expect(expiresAt).toBe(h.clock.now() + 60_000);
    expect(h.sessions.authenticate(token)).toMatchObject({ userId, identityKey: key });

    h.clock.advance(60_000);
    const expired = h.sessions.authenticate(token);
    expect(expired).toBeInstanceOf(AuthError);
    expect((expired as AuthError).code).toBe('AUTH_SESSION_INVALID');
  });

  it('stores only the hash of the token, and rejects malformed and revoked tokens', async () => {
    const key = new Uint8Array(32).fill(6);
    const userId = await registerUser(h.auth, 'erin', 'pw', key);
    const { token } = h.sessions.create(userId, key);
    const stored = h.db.prepare<[], { token_hash: Buffer }>('SELECT token_hash FROM sessions').all();
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.token_hash).equals(Buffer.from(token, 'base64url'))).toBe(false);

    expect(h.sessions.authenticate('short')).toBeInstanceOf(AuthError);
    expect(h.sessions.revoke(token)).toBe(true);
    expect(h.sessions.authenticate(token)).toBeInstanceOf(AuthError);
  });

  it('keeps at most MAX_SESSIONS_PER_ACCOUNT per account: a new login ends the oldest', async () => {
    const key = new Uint8Array(32).fill(8);
    const userId = await registerUser(h.auth, 'fay', 'pw', key);
    const otherKey = new Uint8Array(32).fill(9);
    const other = h.sessions.create(await registerUser(h.auth, 'gus', 'pw', otherKey), otherKey);
    const tokens: string[] = [];
    for (let i = 0; i <= MAX_SESSIONS_PER_ACCOUNT; i += 1) {
      tokens.push(h.sessions.create(userId, key).token);
      h.clock.advance(1);
    }
    const count = h.db.prepare<[number], { n: number }>(
      'SELECT count(*) AS n FROM sessions WHERE user_id = ?',
    );
    expect(count.get(userId)?.n).toBe(MAX_SESSIONS_PER_ACCOUNT);
    expect(h.sessions.authenticate(tokens[0]!)).toBeInstanceOf(AuthError);
    expect(h.sessions.authenticate(tokens.at(-1)!)).toMatchObject({ userId });
    expect(h.sessions.authenticate(other.token)).not.toBeInstanceOf(AuthError); // other accounts untouched
  });

  it('prunes expired sessions', async () => {
    const key = new Uint8Array(32).fill(7);
    const userId = await registerUser(h.auth, 'frank', 'pw', key);
    h.sessions.create(userId, key);
    h.clock.advance(30_000);
    h.sessions.create(userId, key);
    h.clock.advance(30_000);
    expect(h.sessions.pruneExpired()).toBe(1);
  });
});

describe('BearerTokenVerifier', () => {
  it('accepts the configured token with auth version 1 only', () => {
    const verifier = new BearerTokenVerifier('0123456789abcdef-token');
    expect(verifier.verify({ authVersion: 1, token: '0123456789abcdef-token' })).toBeUndefined();
    expect(verifier.verify({ authVersion: 1, token: '0123456789abcdef-tokeN' })?.code).toBe(
      'AUTH_BEARER_INVALID',
    );
    expect(verifier.verify({ authVersion: 2, token: '0123456789abcdef-token' })?.code).toBe(
      'AUTH_BEARER_INVALID',
    );
    expect(verifier.verify({ authVersion: 1, token: '' })).toBeInstanceOf(AuthError);
  });

  it('rejects everything when no token is configured', () => {
    const verifier = new BearerTokenVerifier(undefined);
    expect(verifier.enabled).toBe(false);
    expect(verifier.verify({ authVersion: 1, token: '' })).toBeInstanceOf(AuthError);
  });
});
