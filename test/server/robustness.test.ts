/**
 * Hostile bytes: garbage, an oversized frame header and replayed frames get a typed error or a closed
 * stream, while another connected client keeps working and the server stays up.
 */
import { randomBytes } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeCall,
  encodeRequest,
  Method,
  WireErrorCode,
  type MethodId,
  type ResponseEnvelope,
} from '../../src/protocol/index.js';
import { framed, rawExchange } from './rawStreams.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, newClientMessageId, registerAccount, WireClient } from './wireClient.js';

let server: ServerProcess;
let attacker: WireClient;
let bystander: WireClient;

beforeAll(async () => {
  server = await startServerProcess(makeDataDir());
  attacker = await WireClient.connect(server.port, server.certSha256);
  bystander = await WireClient.connect(server.port, server.certSha256);
  await registerAccount(bystander, 'carol', 'carol password');
  await logIn(bystander, 'carol', 'carol password');
});

afterAll(async () => {
  await attacker.close();
  await bystander.close();
  await server.kill('SIGTERM');
  removeDataDir(server.dataDir);
});

/** Typed BAD_REQUEST (request id 0) or a closed stream: the two answers docs/protocol.md allows. */
function expectRefused(outcome: ResponseEnvelope | 'closed'): void {
  if (outcome === 'closed') return;
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.requestId).toBe(0);
  expect(outcome.error.code).toBe(WireErrorCode.BadRequest);
}

async function expectOthersUnaffected(): Promise<void> {
  const pong = await bystander.ok(Method.Ping, {});
  expect(pong.supportedVersions).toEqual([1]);
  const count = await bystander.ok(Method.CountKeyPackages, { cipherSuite: 0 });
  expect(count.available).toBe(0);
  expect(server.child.exitCode).toBeNull();
}

describe('malformed input over QUIC', () => {
  it('refuses a frame whose payload is garbage', async () => {
    const outcome = await rawExchange(attacker, framed(new Uint8Array(randomBytes(64))));
    expectRefused(outcome);
    await expectOthersUnaffected();
  });

  it('answers BAD_REQUEST, with the request id, to a body that breaks the schema', async () => {
    const payload = encodeRequest({
      requestId: 7,
      method: Method.RegisterStart,
      body: new Uint8Array([0xff, 0xff]),
    });
    const outcome = await rawExchange(attacker, framed(payload));
    expect(outcome !== 'closed' && !outcome.ok && [outcome.requestId, outcome.error.code]).toEqual([
      7,
      WireErrorCode.BadRequest,
    ]);
    await expectOthersUnaffected();
  });

  it('refuses an oversized frame header before reading the payload', async () => {
    const header = new Uint8Array([0xff, 0xff, 0xff, 0xff]);
    const outcome = await rawExchange(attacker, header);
    expectRefused(outcome);
    await expectOthersUnaffected();
  });

  it('refuses a stream that ends inside a frame', async () => {
    const outcome = await rawExchange(attacker, new Uint8Array([0, 0, 1, 0, 1, 2, 3]));
    expectRefused(outcome);
    await expectOthersUnaffected();
  });

  it('answers UNSUPPORTED_VERSION and UNKNOWN_METHOD with the request id', async () => {
    const wrongVersion = await rawExchange(attacker, framed(versionTwoPing()));
    expect(wrongVersion !== 'closed' && !wrongVersion.ok && wrongVersion.error.code).toBe(
      WireErrorCode.UnsupportedVersion,
    );
    expect(wrongVersion !== 'closed' && wrongVersion.requestId).toBe(41);
    const unknownMethod = await rawExchange(
      attacker,
      framed(encodeRequest({ requestId: 42, method: 999 as MethodId, body: new Uint8Array() })),
    );
    expect(
      unknownMethod !== 'closed' && !unknownMethod.ok && [unknownMethod.requestId, unknownMethod.error.code],
    ).toEqual([42, WireErrorCode.UnknownMethod]);
    await expectOthersUnaffected();
  });

  it('answers a replayed LoginFinish with LOGIN_EXPIRED and a replayed Enqueue with the first answer', async () => {
    await opaque.ready;
    await registerAccount(attacker, 'mallory', 'mallory password');
    const start = opaque.client.startLogin({ password: 'mallory password' });
    const started = await attacker.ok(Method.LoginStart, {
      username: 'mallory',
      startLoginRequest: start.startLoginRequest,
    });
    const finished = opaque.client.finishLogin({
      clientLoginState: start.clientLoginState,
      loginResponse: started.loginResponse,
      password: 'mallory password',
    });
    const loginFinish = framed(
      encodeCall(Method.LoginFinish, 9, {
        loginId: started.loginId,
        finishLoginRequest: finished?.finishLoginRequest ?? '',
      }),
    );
    const first = await rawExchange(attacker, loginFinish);
    const replay = await rawExchange(attacker, loginFinish);
    expect(first !== 'closed' && first.ok).toBe(true);
    expect(replay !== 'closed' && !replay.ok && replay.error.code).toBe(WireErrorCode.LoginExpired);

    await logIn(attacker, 'mallory', 'mallory password');
    const carol = await attacker.ok(Method.LookupUser, { query: { case: 'username', value: 'carol' } });
    const enqueueFrame = framed(
      encodeCall(
        Method.Enqueue,
        10,
        {
          recipientIdentityKeys: [carol.identityPublicKey],
          payload: new Uint8Array([1, 2, 3]),
          clientMessageId: newClientMessageId(),
        },
        attacker.token,
      ),
    );
    const sent = await rawExchange(attacker, enqueueFrame);
    const resent = await rawExchange(attacker, enqueueFrame);
    expect(sent !== 'closed' && sent.ok).toBe(true);
    expect(resent).toEqual(sent);
    const queue = await bystander.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 0 });
    expect(queue.messages.map((message) => [...message.payload])).toEqual([[1, 2, 3]]);
    await expectOthersUnaffected();
  });
});

/** A Ping request with protocol_version 2, encoded by hand: field 1 varint 2, field 2 varint 41, field 3 varint 1. */
function versionTwoPing(): Uint8Array {
  return new Uint8Array([0x08, 0x02, 0x10, 41, 0x18, 0x01]);
}
