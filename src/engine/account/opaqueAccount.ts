/**
 * Registration and login with OPAQUE (docs/protocol.md section 7): the password never leaves this
 * process. Registration also publishes the identity key and the hybrid key, signed by the identity key.
 */
import { sign as edSign, createPrivateKey } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import { AuthError, ValidationError } from '../../lib/errors.js';
import { concatBytes } from '../../lib/bytes.js';
import { hybridKeySignedBytes, Method, USERNAME_PATTERN, WireErrorCode } from '../../protocol/index.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { EngineErrorCode } from '../engineErrors.js';

export interface SessionGrant {
  sessionToken: Uint8Array;
  expiresAtMs: bigint;
}

export interface RegisterAccountOptions {
  username: string;
  password: string;
  identityPrivateKey: Uint8Array;
  identityPublicKey: Uint8Array;
  hybridPublicKey: Uint8Array;
}

/** Lowercases and checks a username against the protocol's pattern (clients lowercase input). */
export function normalizeUsername(input: string): string {
  const username = input.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw new ValidationError(EngineErrorCode.badUsername, `"${input}" is not a valid username`, {
      hint: '3-32 characters: a-z, 0-9, then also _ . -',
    });
  }
  return username;
}

const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

/** Ed25519 signature with the 32-byte identity private key (seed form). */
export function signWithIdentity(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const der = concatBytes(PKCS8_ED25519_PREFIX, privateKey);
  try {
    const key = createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    return new Uint8Array(edSign(null, message, key));
  } finally {
    der.fill(0);
  }
}

export async function registerAccount(
  connection: ServerConnection,
  options: RegisterAccountOptions,
): Promise<void> {
  await opaque.ready;
  const username = normalizeUsername(options.username);
  const { clientRegistrationState, registrationRequest } = opaque.client.startRegistration({
    password: options.password,
  });
  const started = await connection.request(Method.RegisterStart, { username, registrationRequest });
  const { registrationRecord } = opaque.client.finishRegistration({
    password: options.password,
    registrationResponse: started.registrationResponse,
    clientRegistrationState,
  });
  const signature = signWithIdentity(
    options.identityPrivateKey,
    hybridKeySignedBytes(username, options.identityPublicKey, options.hybridPublicKey),
  );
  await connection.request(Method.RegisterFinish, {
    username,
    registrationRecord,
    identityPublicKey: options.identityPublicKey,
    hybridPublicKey: options.hybridPublicKey,
    identitySignature: signature,
  });
}

/** OPAQUE login; a wrong password (or an unknown user) is an AuthError with code AUTH_FAILED. */
export async function loginAccount(
  connection: ServerConnection,
  usernameInput: string,
  password: string,
): Promise<SessionGrant> {
  await opaque.ready;
  const username = normalizeUsername(usernameInput);
  const { clientLoginState, startLoginRequest } = opaque.client.startLogin({ password });
  const started = await connection.request(Method.LoginStart, { username, startLoginRequest });
  const finished = opaque.client.finishLogin({
    clientLoginState,
    loginResponse: started.loginResponse,
    password,
  });
  if (finished === undefined) {
    throw new AuthError(WireErrorCode.AuthFailed, 'wrong username or password', {
      hint: 'check the username and password',
    });
  }
  const granted = await connection.request(Method.LoginFinish, {
    loginId: started.loginId,
    finishLoginRequest: finished.finishLoginRequest,
  });
  return { sessionToken: granted.sessionToken, expiresAtMs: granted.expiresAtMs };
}
