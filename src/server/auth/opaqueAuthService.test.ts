import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, ConflictError, type QpcError } from '../../lib/errors.js';
import { clientLogin, createAuthHarness, registerUser, type AuthHarness } from './testSupport.js';
import { MIN_AUTH_RESPONSE_MS } from './opaqueAuthService.js';

const aliceKey = new Uint8Array(32).fill(1);
let h: AuthHarness;
beforeEach(async () => {
  h = await createAuthHarness();
});
afterEach(() => h.db.close());

async function rejection(promise: Promise<unknown>): Promise<QpcError> {
  try {
    await promise;
  } catch (error) {
    return error as QpcError;
  }
  throw new Error('expected a rejection');
}

describe('OpaqueAuthService', () => {
  it('registers, logs in with the real OPAQUE client and issues a session bound to the identity key', async () => {
    const userId = await registerUser(h.auth, 'Alice', 'correct horse', aliceKey);
    expect(h.directory.lookup('alice')?.identityKey).toEqual(aliceKey);

    const login = await clientLogin(h.auth, 'alice', 'correct horse');
    expect(login.finishLoginRequest).toBeDefined();
    const session = await h.auth.finishLogin({
      loginId: login.loginId,
      finishLoginRequest: login.finishLoginRequest!,
    });
    expect(session.userId).toBe(userId);
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const identity = h.sessions.authenticate(session.token);
    expect(identity).not.toBeInstanceOf(AuthError);
    expect(identity).toMatchObject({ userId, identityKey: aliceKey });
  });

  it('gives the same error for a wrong password and an unknown user', async () => {
    await registerUser(h.auth, 'alice', 'correct horse', aliceKey);
    // A valid proof from another login, replayed: what a client that ignores its own failure could send.
    const good = await clientLogin(h.auth, 'alice', 'correct horse');
    const replayed = good.finishLoginRequest!;

    const wrong = await clientLogin(h.auth, 'alice', 'wrong password');
    expect(wrong.finishLoginRequest).toBeUndefined(); // the client notices first
    const wrongError = await rejection(
      h.auth.finishLogin({ loginId: wrong.loginId, finishLoginRequest: replayed }),
    );

    const unknown = await clientLogin(h.auth, 'mallory', 'any password');
    expect(unknown.finishLoginRequest).toBeUndefined();
    const unknownError = await rejection(
      h.auth.finishLogin({ loginId: unknown.loginId, finishLoginRequest: replayed }),
    );

    expect(wrongError).toBeInstanceOf(AuthError);
    expect(unknownError).toBeInstanceOf(AuthError);
    expect(unknownError.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect([unknownError.code, unknownError.message]).toEqual([wrongError.code, wrongError.message]);
    expect(h.failures).toEqual(['invalid_credentials', 'invalid_credentials']);
  });

  it('answers an unknown user with a login response of the same shape', async () => {
    await registerUser(h.auth, 'alice', 'pw-alice-1', aliceKey);
    const known = await clientLogin(h.auth, 'alice', 'x');
    const unknown = await clientLogin(h.auth, 'nobody', 'x');
    expect(unknown.loginResponse.length).toBe(known.loginResponse.length);
  });

  it('pads every response to the minimum duration, failures included', async () => {
    await registerUser(h.auth, 'alice', 'pw', aliceKey);
    const login = await clientLogin(h.auth, 'alice', 'pw');
    await rejection(
      h.auth.finishLogin({ loginId: 'unknown', finishLoginRequest: login.finishLoginRequest! }),
    );
    // The manual clock stands still, so each of the 4 calls (2 registration, 2 login) waits the full minimum.
    expect(h.sleeps).toEqual(Array(4).fill(MIN_AUTH_RESPONSE_MS));
  });

  it('uses a login id only once and forgets it after the login window', async () => {
    await registerUser(h.auth, 'alice', 'pw', aliceKey);
    const first = await clientLogin(h.auth, 'alice', 'pw');
    await h.auth.finishLogin({ loginId: first.loginId, finishLoginRequest: first.finishLoginRequest! });
    const reused = await rejection(
      h.auth.finishLogin({ loginId: first.loginId, finishLoginRequest: first.finishLoginRequest! }),
    );
    expect(reused.code).toBe('AUTH_LOGIN_EXPIRED');

    const late = await clientLogin(h.auth, 'alice', 'pw');
    h.clock.advance(61_000);
    const expired = await rejection(
      h.auth.finishLogin({ loginId: late.loginId, finishLoginRequest: late.finishLoginRequest! }),
    );
    expect(expired.code).toBe('AUTH_LOGIN_EXPIRED');
  });

  it('refuses a taken username (any case) and a taken identity key', async () => {
    await registerUser(h.auth, 'alice', 'pw', aliceKey);
    const taken = await rejection(registerUser(h.auth, 'ALICE', 'pw', new Uint8Array(32).fill(2)));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.code).toBe('AUTH_USERNAME_TAKEN');
    const sameKey = await rejection(registerUser(h.auth, 'bob', 'pw', aliceKey));
    expect(sameKey.code).toBe('AUTH_IDENTITY_KEY_TAKEN');
    const badName = await rejection(registerUser(h.auth, 'a b', 'pw', new Uint8Array(32).fill(5)));
    expect(badName.code).toBe('AUTH_BAD_USERNAME');
  });

  it('rejects a malformed OPAQUE message with a typed error', async () => {
    const error = await rejection(
      h.auth.startRegistration({ username: 'carol', registrationRequest: 'not-opaque' }),
    );
    expect(error.code).toBe('AUTH_BAD_OPAQUE_MESSAGE');
  });
});
