import * as opaque from '@serenity-kit/opaque';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRequestBody, decodeResponseBody, encodeRequestBody, encodeResponseBody } from './bodies.js';
import { Method } from './methods.js';
import { alicePk, hybridPk, signature } from './testing/sampleBodies.js';

/**
 * The OPAQUE flow of docs/protocol.md with the real @serenity-kit/opaque, every message passing through
 * the wire codec: proves the strings fit the documented limits and the steps are in the right order.
 */
describe('OPAQUE through the wire codec', () => {
  beforeAll(async () => {
    await opaque.ready;
  });

  it('registers and logs in; a wrong password cannot finish', () => {
    const serverSetup = opaque.server.createSetup();
    const username = 'alice';
    const password = 'correct horse battery staple';

    const regStart = opaque.client.startRegistration({ password });
    const regStartReq = decodeRequestBody(
      Method.RegisterStart,
      encodeRequestBody(Method.RegisterStart, {
        username,
        registrationRequest: regStart.registrationRequest,
      }),
    );
    const { registrationResponse } = opaque.server.createRegistrationResponse({
      serverSetup,
      userIdentifier: regStartReq.username,
      registrationRequest: regStartReq.registrationRequest,
    });
    const regStartRes = decodeResponseBody(
      Method.RegisterStart,
      encodeResponseBody(Method.RegisterStart, { registrationResponse }),
    );
    const regFinish = opaque.client.finishRegistration({
      password,
      registrationResponse: regStartRes.registrationResponse,
      clientRegistrationState: regStart.clientRegistrationState,
    });
    const stored = decodeRequestBody(
      Method.RegisterFinish,
      encodeRequestBody(Method.RegisterFinish, {
        username,
        registrationRecord: regFinish.registrationRecord,
        identityPublicKey: alicePk,
        hybridPublicKey: hybridPk,
        identitySignature: signature,
      }),
    ).registrationRecord;

    const login = (attempt: string): string | undefined => {
      const start = opaque.client.startLogin({ password: attempt });
      const startReq = decodeRequestBody(
        Method.LoginStart,
        encodeRequestBody(Method.LoginStart, { username, startLoginRequest: start.startLoginRequest }),
      );
      const serverStart = opaque.server.startLogin({
        serverSetup,
        userIdentifier: startReq.username,
        registrationRecord: stored,
        startLoginRequest: startReq.startLoginRequest,
      });
      const startRes = decodeResponseBody(
        Method.LoginStart,
        encodeResponseBody(Method.LoginStart, {
          loginId: new Uint8Array(16).fill(1),
          loginResponse: serverStart.loginResponse,
        }),
      );
      const finish = opaque.client.finishLogin({
        clientLoginState: start.clientLoginState,
        loginResponse: startRes.loginResponse,
        password: attempt,
      });
      if (!finish) return undefined;
      const finishReq = decodeRequestBody(
        Method.LoginFinish,
        encodeRequestBody(Method.LoginFinish, {
          loginId: startRes.loginId,
          finishLoginRequest: finish.finishLoginRequest,
        }),
      );
      const { sessionKey } = opaque.server.finishLogin({
        serverLoginState: serverStart.serverLoginState,
        finishLoginRequest: finishReq.finishLoginRequest,
      });
      expect(sessionKey).toBe(finish.sessionKey);
      return sessionKey;
    };

    expect(login(password)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(login('wrong password')).toBeUndefined();
  });
});
