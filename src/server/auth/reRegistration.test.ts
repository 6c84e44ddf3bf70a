import { generateKeyPairSync, sign } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { isQpcError } from '../../lib/errors.js';
import { reRegistrationSignedBytes } from '../../protocol/index.js';
import { systemRandomBytes } from '../serverDeps.js';
import { createOpaqueServerSetup, OpaqueAuthService } from './opaqueAuthService.js';
import { ReRegistration } from './reRegistration.js';
import {
  clientLogin,
  createAuthHarness,
  registerUser,
  TEST_KEY_STRETCHING,
  type AuthHarness,
} from './testSupport.js';

interface Signer {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

function ed25519(): Signer {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicKey: new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url')),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

let h: AuthHarness;
let alice: Signer;
beforeEach(async () => {
  h = await createAuthHarness();
  alice = ed25519();
  await registerUser(h.auth, 'alice', 'old password', alice.publicKey);
});
afterEach(() => h.db.close());

/** A ReRegistration over the harness's directory and sessions, with a setup of the given generation. */
function service(setupGeneration: number, serverSetup = createOpaqueServerSetup()): ReRegistration {
  return new ReRegistration({
    directory: h.directory,
    sessions: h.sessions,
    serverSetup,
    setupGeneration,
    clock: h.clock,
    randomBytes: systemRandomBytes,
    logger: silentLogger(),
  });
}

/** The client's side: a record for `password`, signed by `signer` over the server's challenge. */
function reRegister(
  reRegistration: ReRegistration,
  password: string,
  signer: Signer,
  caller: { callerUserId?: number; callerToken?: string } = {},
): ReturnType<ReRegistration['finish']> {
  const start = opaque.client.startRegistration({ password });
  const { registrationResponse, challenge } = reRegistration.start({
    username: 'alice',
    registrationRequest: start.registrationRequest,
  });
  const { registrationRecord } = opaque.client.finishRegistration({
    password,
    registrationResponse,
    clientRegistrationState: start.clientRegistrationState,
    keyStretching: TEST_KEY_STRETCHING,
  });
  return reRegistration.finish({
    username: 'alice',
    registrationRecord,
    challenge,
    identitySignature: signer.sign(reRegistrationSignedBytes('alice', challenge, registrationRecord)),
    ...caller,
  });
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isQpcError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

async function loginCode(auth: OpaqueAuthService, password: string): Promise<string> {
  try {
    const login = await clientLogin(auth, 'alice', password);
    if (login.finishLoginRequest === undefined) return 'client refused';
    await auth.finishLogin({ loginId: login.loginId, finishLoginRequest: login.finishLoginRequest });
    return 'ok';
  } catch (error) {
    if (isQpcError(error)) return error.code;
    throw error;
  }
}

describe('ReRegistration', () => {
  it('after a setup rotation: the owner re-registers with its identity key, an impostor cannot', async () => {
    const newSetup = createOpaqueServerSetup();
    const rotated = new OpaqueAuthService({
      directory: h.directory,
      sessions: h.sessions,
      serverSetup: newSetup,
      setupGeneration: 1,
      clock: h.clock,
      randomBytes: systemRandomBytes,
      sleep: () => Promise.resolve(),
      logger: silentLogger(),
    });
    expect(await loginCode(rotated, 'old password')).toBe('AUTH_REREGISTRATION_REQUIRED');

    const impostor = ed25519();
    expect(codeOf(() => reRegister(rotated.reRegistration, 'impostor password', impostor))).toBe(
      'AUTH_REREGISTRATION_REFUSED',
    );
    expect(await loginCode(rotated, 'impostor password')).toBe('AUTH_REREGISTRATION_REQUIRED');

    const outcome = reRegister(rotated.reRegistration, 'new password', alice);
    expect(outcome).toMatchObject({ afterSetupRotation: true, sessionsEnded: 0 });
    expect(h.directory.findByUsername('alice')).toMatchObject({
      opaqueGeneration: 1,
      identityKey: alice.publicKey,
    });
    expect(await loginCode(rotated, 'new password')).toBe('ok');
    // A wrong password is seen by the OPAQUE client itself: nothing more is sent.
    expect(await loginCode(rotated, 'impostor password')).toBe('client refused');
  });

  it('a password change needs a session of the account, and ends the other sessions', () => {
    const current = service(0);
    // Signed by the owner, but no session and nothing to re-register: refused.
    expect(codeOf(() => reRegister(current, 'new password', alice))).toBe('AUTH_REREGISTRATION_REFUSED');
    const userId = h.directory.findByUsername('alice')?.userId ?? -1;
    const kept = h.sessions.create(userId, alice.publicKey);
    const other = h.sessions.create(userId, alice.publicKey);
    expect(codeOf(() => reRegister(current, 'new password', alice, { callerUserId: userId + 1 }))).toBe(
      'AUTH_REREGISTRATION_REFUSED',
    );
    const outcome = reRegister(current, 'new password', alice, {
      callerUserId: userId,
      callerToken: kept.token,
    });
    expect(outcome).toMatchObject({ afterSetupRotation: false, sessionsEnded: 1 });
    expect(h.sessions.authenticate(kept.token)).toMatchObject({ userId });
    expect(h.sessions.authenticate(other.token)).toBeInstanceOf(Error);
  });

  it('takes each challenge once, for its username, within 60 s', () => {
    const current = service(1);
    const start = opaque.client.startRegistration({ password: 'pw' });
    const { registrationResponse, challenge } = current.start({
      username: 'alice',
      registrationRequest: start.registrationRequest,
    });
    const { registrationRecord } = opaque.client.finishRegistration({
      password: 'pw',
      registrationResponse,
      clientRegistrationState: start.clientRegistrationState,
      keyStretching: TEST_KEY_STRETCHING,
    });
    const request = {
      username: 'alice',
      registrationRecord,
      challenge,
      identitySignature: alice.sign(reRegistrationSignedBytes('alice', challenge, registrationRecord)),
    };
    h.clock.advance(60_000);
    expect(codeOf(() => current.finish(request))).toBe('AUTH_CHALLENGE_EXPIRED');
    // A signature over another record does not verify.
    const fresh = current.start({ username: 'alice', registrationRequest: start.registrationRequest });
    const signedOther = alice.sign(
      reRegistrationSignedBytes('alice', fresh.challenge, `${registrationRecord}x`),
    );
    expect(
      codeOf(() =>
        current.finish({ ...request, challenge: fresh.challenge, identitySignature: signedOther }),
      ),
    ).toBe('AUTH_REREGISTRATION_REFUSED');
    // Used once: the same challenge again is refused, even with a good signature.
    const good = alice.sign(reRegistrationSignedBytes('alice', fresh.challenge, registrationRecord));
    expect(
      codeOf(() => current.finish({ ...request, challenge: fresh.challenge, identitySignature: good })),
    ).toBe('AUTH_CHALLENGE_EXPIRED');
  });
});
