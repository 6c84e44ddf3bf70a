import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import {
  checkDeliveryProof,
  decodeResponse,
  decodeResponseBody,
  encodeCall,
  hybridKeySignedBytes,
  Method,
  WireErrorCode,
  type MethodId,
  type RequestBodyInit,
} from '../../protocol/index.js';
import { loadServerConfig } from '../config/loadServerConfig.js';
import { createServerFoundation, type ServerFoundation } from '../serverFoundation.js';
import { systemRandomBytes } from '../serverDeps.js';
import { DeliveryLedger, RECEIPT_TTL_MS } from './deliveryLedger.js';
import { HybridKeyStore } from './hybridKeyStore.js';
import { SealedAccessStore } from './sealedAccessStore.js';
import { RequestRouter } from './requestRouter.js';
import { SessionRegistry } from './sessionRegistry.js';

const peer = { connectionId: 1, remoteHost: '127.0.0.1', remotePort: 5000 };
let dir: string;
let clock: ManualClock;
let foundation: ServerFoundation;
let router: RequestRouter;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-router-'));
  clock = new ManualClock(Date.now());
  const config = loadServerConfig({
    argv: ['--data-dir', dir, '--rate-limit-per-account', '1000', '--rate-limit-per-ip', '1000'],
    env: {},
    cwd: dir,
  });
  const logger = silentLogger();
  foundation = await createServerFoundation(config, {
    clock,
    randomBytes: systemRandomBytes,
    sleep: () => Promise.resolve(),
    logger,
  });
  const ledger = new DeliveryLedger(foundation.db, { clock, ...foundation });
  router = new RequestRouter({
    foundation,
    ledger,
    hybridKeys: new HybridKeyStore(foundation.db),
    sealedAccess: new SealedAccessStore(foundation.db),
    online: new SessionRegistry({ logger, now: () => clock.now() }),
    clock,
    logger,
  });
});

afterEach(() => {
  foundation.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An account made directly in the directory (OPAQUE is covered over QUIC), with a session token. */
function account(seed: number): { identityKey: Uint8Array; token: Uint8Array } {
  const identityKey = new Uint8Array(32).fill(seed);
  const userId = foundation.directory.insert({
    username: `user${seed}`,
    registrationRecord: 'record',
    identityKey,
    hybridKey: new Uint8Array(1216),
    createdAt: clock.now(),
  });
  if (typeof userId !== 'number') throw new Error(userId);
  const { token } = foundation.sessions.create(userId, identityKey);
  return { identityKey, token: new Uint8Array(Buffer.from(token, 'base64url')) };
}

async function call<M extends MethodId>(method: M, body: RequestBodyInit<M>, token?: Uint8Array) {
  const routed = await router.route(encodeCall(method, 3, body, token), peer);
  const response = decodeResponse(routed.response);
  if (!response.ok) return { code: response.error.code, retryAfterMs: response.error.retryAfterMs };
  return { code: 'ok', body: decodeResponseBody(method, response.body) };
}

describe('RequestRouter', () => {
  it('needs a valid session token for session methods', async () => {
    expect((await call(Method.CountKeyPackages, {})).code).toBe(WireErrorCode.Unauthenticated);
    const bogus = new Uint8Array(32).fill(9);
    expect((await call(Method.CountKeyPackages, {}, bogus)).code).toBe(WireErrorCode.Unauthenticated);
    const { token } = account(1);
    expect((await call(Method.CountKeyPackages, {}, token)).code).toBe('ok');
    expect(
      (
        await call(Method.SealedSend, {
          recipientIdentityKey: new Uint8Array(32),
          accessToken: new Uint8Array(32),
          envelope: new Uint8Array(1),
        })
      ).code,
    ).toBe(WireErrorCode.SealedAccessDenied);
    // A sealed send that carries a session token is refused, not linked to the session.
    expect(
      (
        await call(
          Method.SealedSend,
          {
            recipientIdentityKey: new Uint8Array(32),
            accessToken: new Uint8Array(32),
            envelope: new Uint8Array(1),
          },
          token,
        )
      ).code,
    ).toBe(WireErrorCode.BadRequest);
  });

  it('remembers an Enqueue answer for 24 hours per sender and client_message_id, then forgets it', async () => {
    const alice = account(1);
    const bob = account(2);
    const body = {
      recipientIdentityKeys: [bob.identityKey],
      payload: new Uint8Array([1]),
      clientMessageId: new Uint8Array(16).fill(4),
    };
    const first = await call(Method.Enqueue, body, alice.token);
    clock.advance(RECEIPT_TTL_MS - 1);
    expect(await call(Method.Enqueue, body, alice.token)).toEqual(first);
    expect(foundation.queues.depth(bob.identityKey)).toBe(1);
    clock.advance(1);
    expect((await call(Method.Enqueue, body, alice.token)).code).toBe('ok');
    expect(foundation.queues.depth(bob.identityKey)).toBe(2);
  });

  it('signs one delivery proof per recipient that verifies with the key Ping publishes', async () => {
    const alice = account(1);
    const bob = account(2);
    const carol = account(3);
    const payload = new Uint8Array([5, 6, 7]);
    const send = async () => {
      const answer = await call(
        Method.Enqueue,
        { recipientIdentityKeys: [bob.identityKey, carol.identityKey], payload },
        alice.token,
      );
      if (answer.body === undefined) throw new Error(answer.code);
      return answer.body.receipts;
    };
    const first = await send();
    const ping = await call(Method.Ping, {});
    const keys = ping.body?.signingKeys ?? [];
    expect(first).toHaveLength(2);
    const [toBob, toCarol] = first;
    if (toBob === undefined || toCarol === undefined) throw new Error('missing receipts');
    expect(checkDeliveryProof(toBob, keys, { recipient: bob.identityKey, payload })).toMatchObject({
      valid: true,
    });
    expect(checkDeliveryProof(toCarol, keys, { recipient: carol.identityKey, payload }).valid).toBe(true);
    expect(toBob).toMatchObject({
      serverName: 'localhost',
      sequence: 1n,
      acceptedAtMs: BigInt(clock.now()),
      keepUntilMs: BigInt(clock.now() + foundation.config.messageTtlMs),
    });
    // The proof names its queue and its envelope: it cannot pass for another recipient or payload.
    expect(checkDeliveryProof(toBob, keys, { recipient: carol.identityKey })).toEqual({
      valid: false,
      reason: 'wrong_recipient',
    });
    expect(checkDeliveryProof(toBob, keys, { payload: new Uint8Array([5, 6]) })).toEqual({
      valid: false,
      reason: 'wrong_envelope',
    });
    // Tampered: any signed field changed, or the signature itself, is refused.
    expect(checkDeliveryProof({ ...toBob, sequence: 7n }, keys)).toEqual({
      valid: false,
      reason: 'bad_signature',
    });
    expect(checkDeliveryProof({ ...toBob, keepUntilMs: toBob.keepUntilMs + 1n }, keys).valid).toBe(false);
    const flipped = Uint8Array.from(toBob.signature);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(checkDeliveryProof({ ...toBob, signature: flipped }, keys).valid).toBe(false);
    expect(checkDeliveryProof(toBob, [])).toEqual({ valid: false, reason: 'unknown_key' });

    // Per-queue sequences: each queue counts its own proved copies, and a refused Enqueue uses none.
    const refused = await call(
      Method.Enqueue,
      { recipientIdentityKeys: [bob.identityKey, new Uint8Array(32).fill(9)], payload },
      alice.token,
    );
    expect(refused.code).toBe(WireErrorCode.NotFound);
    const second = await call(
      Method.Enqueue,
      { recipientIdentityKeys: [bob.identityKey], payload },
      carol.token,
    );
    expect(second.body?.receipts.map((receipt) => receipt.sequence)).toEqual([2n]);
  });

  it('enqueues all or nothing: an unknown recipient stores no copy for the known ones', async () => {
    const alice = account(1);
    const bob = account(2);
    const outcome = await call(
      Method.Enqueue,
      { recipientIdentityKeys: [bob.identityKey, new Uint8Array(32).fill(7)], payload: new Uint8Array([1]) },
      alice.token,
    );
    expect(outcome.code).toBe(WireErrorCode.NotFound);
    expect(foundation.queues.depth(bob.identityKey)).toBe(0);
  });

  it('cuts a fetch to what fits in one frame, but returns at least one message', async () => {
    const alice = account(1);
    const bob = account(2);
    for (let i = 0; i < 3; i++) {
      await call(
        Method.Enqueue,
        { recipientIdentityKeys: [bob.identityKey], payload: new Uint8Array(600 * 1024).fill(i) },
        alice.token,
      );
    }
    const page = await call(Method.FetchQueue, { afterMessageId: 0n, limit: 0 }, bob.token);
    expect(page.code).toBe('ok');
    if (page.body === undefined) return;
    expect(page.body.messages).toHaveLength(1);
    expect(page.body.more).toBe(true);
    expect(page.body.messages[0]?.senderIdentityKey).toEqual(alice.identityKey);
  });

  it('replaces the hybrid key on a valid PublishKeys and hands out the new signature', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const identityKey = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
    const userId = foundation.directory.insert({
      username: 'frank',
      registrationRecord: 'record',
      identityKey,
      hybridKey: new Uint8Array(1216),
      createdAt: clock.now(),
    });
    if (typeof userId !== 'number') throw new Error(userId);
    const token = new Uint8Array(
      Buffer.from(foundation.sessions.create(userId, identityKey).token, 'base64url'),
    );
    const hybridPublicKey = new Uint8Array(1216).fill(5);
    const signature = new Uint8Array(
      sign(null, hybridKeySignedBytes('frank', identityKey, hybridPublicKey), privateKey),
    );
    const forged = await call(
      Method.PublishKeys,
      { hybridPublicKey, identitySignature: new Uint8Array(64).fill(1) },
      token,
    );
    expect(forged.code).toBe(WireErrorCode.AuthFailed);
    expect(
      (await call(Method.PublishKeys, { hybridPublicKey, identitySignature: signature }, token)).code,
    ).toBe('ok');
    const found = await call(
      Method.LookupUser,
      { query: { case: 'identityPublicKey', value: identityKey } },
      token,
    );
    expect(found.body).toMatchObject({ username: 'frank', hybridPublicKey, hybridKeySignature: signature });
  });

  it('answers UNAVAILABLE once shutting down', async () => {
    router.stopAccepting();
    expect((await call(Method.Ping, {})).code).toBe(WireErrorCode.Unavailable);
  });
});
