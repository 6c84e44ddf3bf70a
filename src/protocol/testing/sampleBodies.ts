import type { RequestBodyInit, ResponseBodyInit } from '../bodies.js';
import {
  CLIENT_MESSAGE_ID_BYTES,
  HYBRID_PUBLIC_KEY_BYTES,
  IDENTITY_PUBLIC_KEY_BYTES,
  LOGIN_ID_BYTES,
  REREGISTRATION_CHALLENGE_BYTES,
  SESSION_TOKEN_BYTES,
  SIGNATURE_BYTES,
} from '../limits.js';
import { Method, type MethodId } from '../methods.js';

const filled = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);

export const alicePk = filled(IDENTITY_PUBLIC_KEY_BYTES, 1);
export const bobPk = filled(IDENTITY_PUBLIC_KEY_BYTES, 2);
export const hybridPk = filled(HYBRID_PUBLIC_KEY_BYTES, 3);
export const signature = filled(SIGNATURE_BYTES, 4);

/** A valid, non-trivial request and response body for every method: every field set where possible. */
export const SAMPLE_BODIES: {
  [M in MethodId]: { request: RequestBodyInit<M>; response: ResponseBodyInit<M> };
} = {
  [Method.Ping]: { request: {}, response: { serverTimeMs: 1_790_000_000_000n, supportedVersions: [1] } },
  [Method.OpenCallStream]: { request: {}, response: { maxInFlight: 32 } },
  [Method.RegisterStart]: {
    request: { username: 'alice', registrationRequest: 'cmVnaXN0cmF0aW9uUmVxdWVzdA' },
    response: { registrationResponse: 'cmVnaXN0cmF0aW9uUmVzcG9uc2U' },
  },
  [Method.RegisterFinish]: {
    request: {
      username: 'alice',
      registrationRecord: 'cmVjb3Jk',
      identityPublicKey: alicePk,
      hybridPublicKey: hybridPk,
      identitySignature: signature,
    },
    response: {},
  },
  [Method.LoginStart]: {
    request: { username: 'alice', startLoginRequest: 'c3RhcnQ' },
    response: { loginId: filled(LOGIN_ID_BYTES, 5), loginResponse: 'bG9naW5SZXNwb25zZQ' },
  },
  [Method.LoginFinish]: {
    request: { loginId: filled(LOGIN_ID_BYTES, 5), finishLoginRequest: 'ZmluaXNo' },
    response: { sessionToken: filled(SESSION_TOKEN_BYTES, 6), expiresAtMs: 1_790_086_400_000n },
  },
  [Method.Logout]: { request: {}, response: {} },
  [Method.OpenSession]: { request: {}, response: { serverTimeMs: 42n, queuedCount: 7 } },
  [Method.ReRegisterStart]: {
    request: { username: 'alice', registrationRequest: 'cmVnaXN0cmF0aW9uUmVxdWVzdA' },
    response: {
      registrationResponse: 'cmVnaXN0cmF0aW9uUmVzcG9uc2U',
      challenge: filled(REREGISTRATION_CHALLENGE_BYTES, 11),
    },
  },
  [Method.ReRegisterFinish]: {
    request: {
      username: 'alice',
      registrationRecord: 'cmVjb3Jk',
      challenge: filled(REREGISTRATION_CHALLENGE_BYTES, 11),
      identitySignature: signature,
    },
    response: { sessionsEnded: 2 },
  },
  [Method.PublishKeys]: {
    request: { hybridPublicKey: hybridPk, identitySignature: signature },
    response: {},
  },
  [Method.LookupUser]: {
    request: { query: { case: 'username', value: 'bob' } },
    response: {
      username: 'bob',
      identityPublicKey: bobPk,
      hybridPublicKey: hybridPk,
      hybridKeySignature: signature,
    },
  },
  [Method.UploadKeyPackages]: {
    request: {
      keyPackages: [
        { keyPackage: filled(900, 7), cipherSuite: 1, lastResort: false },
        { keyPackage: filled(2500, 8), cipherSuite: 0x4d, lastResort: true },
      ],
    },
    response: { available: 12 },
  },
  [Method.FetchKeyPackage]: {
    request: { username: 'bob', cipherSuite: 1 },
    response: { keyPackage: filled(900, 7), lastResort: true, identityPublicKey: bobPk },
  },
  [Method.CountKeyPackages]: { request: { cipherSuite: 1 }, response: { available: 3, hasLastResort: true } },
  [Method.Enqueue]: {
    request: {
      recipientIdentityKeys: [alicePk, bobPk],
      payload: filled(1000, 9),
      groupId: filled(32, 10),
      epoch: 17n,
      clientMessageId: filled(CLIENT_MESSAGE_ID_BYTES, 11),
    },
    response: { serverTimeMs: 99n },
  },
  [Method.FetchQueue]: {
    request: { afterMessageId: 41n, limit: 100 },
    response: {
      messages: [
        { messageId: 42n, payload: filled(10, 12), senderIdentityKey: alicePk, receivedAtMs: 5n },
        { messageId: 43n, payload: filled(10, 13), receivedAtMs: 6n, groupId: filled(8, 1), epoch: 0n },
      ],
      more: true,
    },
  },
  [Method.Ack]: { request: { messageIds: [42n, 43n, 2n ** 63n] }, response: { removed: 2 } },
  [Method.SealedSend]: {
    request: { recipientIdentityKey: bobPk, accessToken: filled(32, 14), envelope: filled(1300, 15) },
    response: { serverTimeMs: 1n },
  },
  [Method.SetSealedAccess]: {
    request: { accessKeyHash: filled(32, 16) },
    response: {},
  },
};
