import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import {
  decodeResponse,
  encodeCall,
  Method,
  SEALED_ENVELOPE_OVERHEAD_BYTES,
  WireErrorCode,
  type RequestBodyInit,
} from '../../protocol/index.js';
import { loadServerConfig } from '../config/loadServerConfig.js';
import { createServerFoundation, type ServerFoundation } from '../serverFoundation.js';
import { systemRandomBytes } from '../serverDeps.js';
import { DeliveryLedger } from './deliveryLedger.js';
import { HybridKeyStore } from './hybridKeyStore.js';
import { RequestRouter } from './requestRouter.js';
import { SealedAccessStore } from './sealedAccessStore.js';
import { SessionRegistry } from './sessionRegistry.js';

/** SealedSend's caps through the router: message size (plus the envelope header), queue cap and TTL. */
const MESSAGE_MAX = 2000;
const QUEUE_CAP = 3;
const TTL_MS = 60_000;
const peer = { connectionId: 1, remoteHost: '127.0.0.1', remotePort: 5000 };
const accessKey = new Uint8Array(32).fill(0x33);
const bobKey = new Uint8Array(32).fill(2);
let dir: string;
let clock: ManualClock;
let foundation: ServerFoundation;
let router: RequestRouter;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-sealed-router-'));
  clock = new ManualClock(Date.now());
  const config = loadServerConfig({
    argv: [
      ...['--data-dir', dir, '--rate-limit-per-ip', '1000'],
      ...['--message-max-bytes', String(MESSAGE_MAX), '--queue-cap', String(QUEUE_CAP)],
      ...['--message-ttl', `${TTL_MS / 1000}s`],
    ],
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
  const sealedAccess = new SealedAccessStore(foundation.db);
  router = new RequestRouter({
    foundation,
    ledger: new DeliveryLedger(foundation.db, { clock, ...foundation }),
    hybridKeys: new HybridKeyStore(foundation.db),
    sealedAccess,
    online: new SessionRegistry({ logger, now: () => clock.now() }),
    clock,
    logger,
  });
  const userId = foundation.directory.insert({
    username: 'bob',
    registrationRecord: 'record',
    identityKey: bobKey,
    hybridKey: new Uint8Array(1216),
    createdAt: clock.now(),
  });
  if (typeof userId !== 'number') throw new Error(userId);
  sealedAccess.set(userId, new Uint8Array(createHash('sha256').update(accessKey).digest()));
});

afterEach(() => {
  foundation.close();
  rmSync(dir, { recursive: true, force: true });
});

async function sealedSend(envelopeBytes: number): Promise<string> {
  const body: RequestBodyInit<typeof Method.SealedSend> = {
    recipientIdentityKey: bobKey,
    accessToken: accessKey,
    envelope: new Uint8Array(envelopeBytes).fill(1),
  };
  const routed = await router.route(encodeCall(Method.SealedSend, 1, body), peer);
  const response = decodeResponse(routed.response);
  expect(routed.session).toBeUndefined(); // never bound to a session
  return response.ok ? 'ok' : response.error.code;
}

describe('SealedSend caps', () => {
  it('allows the message cap plus the fixed envelope header, and no more', async () => {
    expect(await sealedSend(MESSAGE_MAX + SEALED_ENVELOPE_OVERHEAD_BYTES)).toBe('ok');
    expect(await sealedSend(MESSAGE_MAX + SEALED_ENVELOPE_OVERHEAD_BYTES + 1)).toBe(
      WireErrorCode.MessageTooLarge,
    );
  });

  it('stops at the queue cap and stores sealed messages with no sender stamp', async () => {
    for (let i = 0; i < QUEUE_CAP; i++) expect(await sealedSend(10)).toBe('ok');
    expect(await sealedSend(10)).toBe(WireErrorCode.QueueFull);
    expect(foundation.db.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: QUEUE_CAP });
    expect(foundation.db.prepare('SELECT count(*) AS n FROM queue_meta').get()).toEqual({ n: 0 });
  });

  it('keeps sealed messages to their share of a queue, leaving room for commits and ordinary messages', async () => {
    const shared = new DeliveryLedger(foundation.db, { clock, ...foundation, sealedShare: 2 });
    const logger = silentLogger();
    const sharedRouter = new RequestRouter({
      foundation,
      ledger: shared,
      hybridKeys: new HybridKeyStore(foundation.db),
      sealedAccess: new SealedAccessStore(foundation.db),
      online: new SessionRegistry({ logger, now: () => clock.now() }),
      clock,
      logger,
    });
    const send = async () => {
      const body: RequestBodyInit<typeof Method.SealedSend> = {
        recipientIdentityKey: bobKey,
        accessToken: accessKey,
        envelope: new Uint8Array(10).fill(1),
      };
      const response = decodeResponse(
        (await sharedRouter.route(encodeCall(Method.SealedSend, 1, body), peer)).response,
      );
      return response.ok ? 'ok' : response.error.code;
    };
    expect(await send()).toBe('ok');
    expect(await send()).toBe('ok');
    expect(await send()).toBe(WireErrorCode.QueueFull);
    // The third slot of the queue is still free for a message with a sender (a commit, say).
    const alice = new Uint8Array(32).fill(1);
    shared.enqueue({
      sender: alice,
      recipients: [bobKey],
      payload: new Uint8Array([1]),
      groupId: undefined,
      epoch: undefined,
      clientMessageId: new Uint8Array(),
    });
    expect(foundation.queues.depth(bobKey)).toBe(QUEUE_CAP);
  });

  it('lets sealed messages expire with the queue TTL', async () => {
    expect(await sealedSend(10)).toBe('ok');
    expect(foundation.queues.depth(bobKey)).toBe(1);
    clock.advance(TTL_MS + 1);
    expect(foundation.queues.depth(bobKey)).toBe(0);
  });
});
