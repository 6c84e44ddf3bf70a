import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import * as opaque from '@serenity-kit/opaque';
import { connectQuic, type QuicTransport } from '../../src/engine/net/quicTransport.js';
import {
  BEARER_METHODS,
  decodeResponse,
  decodeResponseBody,
  encodeCall,
  HYBRID_PUBLIC_KEY_BYTES,
  hybridKeySignedBytes,
  Method,
  type MethodId,
  type RequestBodyInit,
  type ResponseBody,
  type BearerCredentialsOnWire,
  type WireErrorInfo,
} from '../../src/protocol/index.js';

export type CallResult<M extends MethodId> =
  { ok: true; body: ResponseBody<M> } | { ok: false; error: WireErrorInfo; requestId: number };

/** A test client over real QUIC that speaks the codec directly (no engine logic in between). */
export class WireClient {
  private nextRequestId = 1;
  token: Uint8Array | undefined;
  /** Sent with the admission methods only, as the engine does. */
  bearer: BearerCredentialsOnWire | undefined;

  private constructor(readonly transport: QuicTransport) {}

  static async connect(port: number, certSha256: string): Promise<WireClient> {
    const transport = await connectQuic({
      host: '127.0.0.1',
      port,
      serverName: 'localhost',
      checkPin: (presented) => (presented === certSha256 ? 'accept' : 'reject'),
    });
    return new WireClient(transport);
  }

  /** Over a transport connected elsewhere (the load generator: any host, its own pin). */
  static over(transport: QuicTransport): WireClient {
    return new WireClient(transport);
  }

  async call<M extends MethodId>(method: M, body: RequestBodyInit<M>): Promise<CallResult<M>> {
    const requestId = this.nextRequestId++;
    const response = decodeResponse(
      await this.transport.request(
        encodeCall(method, requestId, body, this.token, BEARER_METHODS.has(method) ? this.bearer : undefined),
      ),
    );
    // Request id 0 marks an answer given before the request was read (docs/protocol.md: RATE_LIMITED, ...).
    const unread = response.requestId === 0 && !response.ok;
    if (response.requestId !== requestId && !unread) {
      throw new Error(`request id ${response.requestId} != ${requestId}`);
    }
    if (!response.ok) return { ok: false, error: response.error, requestId: response.requestId };
    return { ok: true, body: decodeResponseBody(method, response.body) };
  }

  /** Like call, but fails the test on an error response. */
  async ok<M extends MethodId>(method: M, body: RequestBodyInit<M>): Promise<ResponseBody<M>> {
    const result = await this.call(method, body);
    if (!result.ok) throw new Error(`${method} failed: ${result.error.code} ${result.error.message}`);
    return result.body;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

export interface TestAccount {
  username: string;
  password: string;
  identityPublicKey: Uint8Array;
}

/** Register through RegisterStart/RegisterFinish with the real OPAQUE client and a fresh Ed25519 identity. */
export async function registerAccount(
  client: WireClient,
  username: string,
  password: string,
  /** An existing Ed25519 identity (e.g. an MLS signing key); a fresh one when absent. */
  identity?: { publicKey: Uint8Array; sign: (message: Uint8Array) => Uint8Array },
): Promise<TestAccount> {
  await opaque.ready;
  const signer = identity ?? freshIdentity();
  const identityPublicKey = signer.publicKey;
  const hybridPublicKey = new Uint8Array(randomBytes(HYBRID_PUBLIC_KEY_BYTES));
  const start = opaque.client.startRegistration({ password });
  const { registrationResponse } = await client.ok(Method.RegisterStart, {
    username,
    registrationRequest: start.registrationRequest,
  });
  const { registrationRecord } = opaque.client.finishRegistration({
    password,
    registrationResponse,
    clientRegistrationState: start.clientRegistrationState,
  });
  const signature = signer.sign(hybridKeySignedBytes(username, identityPublicKey, hybridPublicKey));
  await client.ok(Method.RegisterFinish, {
    username,
    registrationRecord,
    identityPublicKey,
    hybridPublicKey,
    identitySignature: new Uint8Array(signature),
  });
  return { username, password, identityPublicKey };
}

/** LoginStart + LoginFinish; stores the session token in the client. Returns the raw LoginFinish frame too. */
export async function logIn(client: WireClient, username: string, password: string): Promise<void> {
  await opaque.ready;
  const start = opaque.client.startLogin({ password });
  const { loginId, loginResponse } = await client.ok(Method.LoginStart, {
    username,
    startLoginRequest: start.startLoginRequest,
  });
  const finished = opaque.client.finishLogin({
    clientLoginState: start.clientLoginState,
    loginResponse,
    password,
  });
  if (finished === undefined) throw new Error('OPAQUE finishLogin refused the server response');
  const { sessionToken } = await client.ok(Method.LoginFinish, {
    loginId,
    finishLoginRequest: finished.finishLoginRequest,
  });
  client.token = sessionToken;
}

function freshIdentity(): { publicKey: Uint8Array; sign: (message: Uint8Array) => Uint8Array } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    publicKey: new Uint8Array(Buffer.from(jwk.x ?? '', 'base64url')),
    sign: (message) => new Uint8Array(sign(null, message, privateKey)),
  };
}

export function newClientMessageId(): Uint8Array {
  return new Uint8Array(randomBytes(16));
}
