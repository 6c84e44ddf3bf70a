/** Accounts over real QUIC: OPAQUE registration and login through the codec. */
import * as opaque from '@serenity-kit/opaque';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HYBRID_PUBLIC_KEY_BYTES, Method, WireErrorCode } from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, registerAccount, WireClient } from './wireClient.js';

let server: ServerProcess;
let client: WireClient;

beforeAll(async () => {
  server = await startServerProcess(makeDataDir());
  client = await WireClient.connect(server.port, server.certSha256);
});

afterAll(async () => {
  await client.close();
  await server.kill('SIGTERM');
  removeDataDir(server.dataDir);
});

/** A LoginStart for `username`, then a LoginFinish carrying a well-formed proof from another login. */
async function loginWithForeignProof(username: string, foreignProof: string) {
  const start = opaque.client.startLogin({ password: 'irrelevant' });
  const started = await client.ok(Method.LoginStart, {
    username,
    startLoginRequest: start.startLoginRequest,
  });
  const finished = await client.call(Method.LoginFinish, {
    loginId: started.loginId,
    finishLoginRequest: foreignProof,
  });
  return { started, finished };
}

describe('accounts over QUIC', () => {
  it('registers and logs in with the real OPAQUE client; the token opens session methods', async () => {
    const alice = await registerAccount(client, 'alice', 'correct horse battery staple');
    const anonymous = await client.call(Method.CountKeyPackages, { cipherSuite: 0 });
    expect(anonymous.ok ? 'ok' : anonymous.error.code).toBe(WireErrorCode.Unauthenticated);

    await logIn(client, 'alice', alice.password);
    expect(client.token).toHaveLength(32);
    const me = await client.ok(Method.LookupUser, { query: { case: 'username', value: 'alice' } });
    expect(me.identityPublicKey).toEqual(alice.identityPublicKey);
    expect(me.hybridKeySignature).toHaveLength(64);
  });

  it('RegisterStart answers a taken and a free name alike; RegisterFinish tells a taken one', async () => {
    const request = opaque.client.startRegistration({ password: 'x' }).registrationRequest;
    const taken = await client.call(Method.RegisterStart, {
      username: 'alice',
      registrationRequest: request,
    });
    const free = await client.call(Method.RegisterStart, {
      username: 'nobody-yet',
      registrationRequest: request,
    });
    expect(taken.ok && free.ok).toBe(true);
    if (!taken.ok || !free.ok) return;
    expect(taken.body.registrationResponse.length).toBe(free.body.registrationResponse.length);
    // Only the upload of the OPAQUE record says the name is taken (and it is budgeted per IP).
    await expect(registerAccount(client, 'alice', 'another password')).rejects.toThrow(/USERNAME_TAKEN/);
  });

  it('answers a wrong password and an unknown user with the same AUTH_FAILED', async () => {
    await registerAccount(client, 'bob', 'bob password');
    // A real client stops when finishLogin returns undefined; the server must still refuse a proof
    // that does not match, so send a well-formed proof taken from a successful login of someone else.
    const start = opaque.client.startLogin({ password: 'bob password' });
    const started = await client.ok(Method.LoginStart, {
      username: 'bob',
      startLoginRequest: start.startLoginRequest,
    });
    const proof = opaque.client.finishLogin({
      clientLoginState: start.clientLoginState,
      loginResponse: started.loginResponse,
      password: 'bob password',
    });
    expect(proof).toBeDefined();
    const foreignProof = proof?.finishLoginRequest ?? '';

    const wrongPassword = await loginWithForeignProof('alice', foreignProof);
    const unknownUser = await loginWithForeignProof('nobody-here', foreignProof);
    // LoginStart looks the same for both: a 16-byte login id and a login response of the same size.
    expect(wrongPassword.started.loginId).toHaveLength(16);
    expect(unknownUser.started.loginId).toHaveLength(16);
    expect(unknownUser.started.loginResponse.length).toBe(wrongPassword.started.loginResponse.length);
    expect(wrongPassword.finished.ok).toBe(false);
    expect(unknownUser.finished.ok).toBe(false);
    if (wrongPassword.finished.ok || unknownUser.finished.ok) return;
    expect(wrongPassword.finished.error.code).toBe(WireErrorCode.AuthFailed);
    expect(unknownUser.finished.error).toEqual(wrongPassword.finished.error);

    // The real client's view of a wrong password: finishLogin refuses locally.
    const wrongStart = opaque.client.startLogin({ password: 'not bob password' });
    const wrongStarted = await client.ok(Method.LoginStart, {
      username: 'bob',
      startLoginRequest: wrongStart.startLoginRequest,
    });
    expect(
      opaque.client.finishLogin({
        clientLoginState: wrongStart.clientLoginState,
        loginResponse: wrongStarted.loginResponse,
        password: 'not bob password',
      }),
    ).toBeUndefined();

    const metrics = await server.metrics();
    expect(metrics).toMatch(/qpc_auth_failures_total\{reason="invalid_credentials"\} 2/);
    expect(metrics).toMatch(/qpc_requests_total\{method="LoginFinish",result="AUTH_FAILED"\} 2/);
  });

  it('budgets account creations per IP, so probing names is as slow as registering them', async () => {
    const probe = () =>
      client.call(Method.RegisterFinish, {
        username: 'alice',
        registrationRecord: 'not checked before the budget',
        identityPublicKey: new Uint8Array(32).fill(7),
        hybridPublicKey: new Uint8Array(HYBRID_PUBLIC_KEY_BYTES),
        identitySignature: new Uint8Array(64),
      });
    const codes: string[] = [];
    for (let attempt = 0; attempt < 12 && !codes.includes(WireErrorCode.RateLimited); attempt += 1) {
      const answer = await probe();
      codes.push(answer.ok ? 'ok' : answer.error.code);
    }
    // Earlier tests registered from this IP too; the budget (10 a minute) runs out within 12 tries.
    expect(codes.at(-1)).toBe(WireErrorCode.RateLimited);
    expect(codes.filter((code) => code === WireErrorCode.RateLimited)).toHaveLength(1);
    const refused = await probe();
    expect(!refused.ok && refused.error.retryAfterMs).toBeGreaterThan(0);
    expect(await server.metrics()).toMatch(/rate_limit_hit_total\{scope="registration"\} 2/);
  });
});
