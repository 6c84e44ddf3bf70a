/**
 * The standing hostile-input suite (smaller samples than `npm run bench hostile`): mutated frames in
 * process and over the wire, a flood from one loopback address while another is served, and a login
 * flood. Out-of-range epochs: test/e2e/hostileMember.test.ts; a disk filling mid-run:
 * test/server/fullDisk.test.ts. No timing thresholds: every check is on answers and counters.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import {
  ConnectionCloseCode,
  decodeResponse,
  encodeCall,
  encodeFrame,
  isWireErrorCode,
  Method,
  parseCloseReason,
  WireErrorCode,
} from '../../src/protocol/index.js';
import {
  DEFAULT_SHUT_OUT_MS,
  SHUT_OUT_AFTER_REFUSALS_FACTOR,
} from '../../src/server/rateLimit/requestRateLimits.js';
import { DeliveryLedger } from '../../src/server/app/deliveryLedger.js';
import { HybridKeyStore } from '../../src/server/app/hybridKeyStore.js';
import { RequestRouter } from '../../src/server/app/requestRouter.js';
import { SealedAccessStore } from '../../src/server/app/sealedAccessStore.js';
import { SessionRegistry } from '../../src/server/app/sessionRegistry.js';
import { loadServerConfig } from '../../src/server/config/loadServerConfig.js';
import { startQpcServer, type RunningQpcServer } from '../../src/server/main.js';
import { createServerFoundation, type ServerFoundation } from '../../src/server/serverFoundation.js';
import { systemRandomBytes } from '../../src/server/serverDeps.js';
import { connectFrom, type LoopbackPeer } from '../server/loopbackPeer.js';
import {
  makeDataDir,
  removeDataDir,
  startServerProcess,
  type ServerProcess,
} from '../server/serverProcess.js';
import { logIn, registerAccount, WireClient } from '../server/wireClient.js';
import { frameMutated, mutate, seededRandom, seedPayloads } from './mutations.js';

const SEED = 0x9e3779b9;

/** The code of an answer, 'ok', or 'closed' when the server reset the stream without one. */
function outcome(answer: Uint8Array | 'closed'): string {
  if (answer === 'closed') return 'closed';
  const response = decodeResponse(answer);
  return response.ok ? 'ok' : response.error.code;
}

describe('mutated frames in process', () => {
  let dir: string;
  let foundation: ServerFoundation;
  let router: RequestRouter;

  beforeAll(async () => {
    await opaque.ready;
    dir = mkdtempSync(join(tmpdir(), 'qpc-fuzz-'));
    const clock = new ManualClock(Date.now());
    const config = loadServerConfig({
      argv: ['--data-dir', dir, '--rate-limit-per-ip', '1000000000'],
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
    router = new RequestRouter({
      foundation,
      ledger: new DeliveryLedger(foundation.db, { clock, ...foundation }),
      hybridKeys: new HybridKeyStore(foundation.db),
      sealedAccess: new SealedAccessStore(foundation.db),
      online: new SessionRegistry({ logger, now: () => clock.now() }),
      clock,
      logger,
    });
  });

  afterAll(() => {
    foundation.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 5,000 mutated requests with typed errors, never INTERNAL, never a throw', async () => {
    const random = seededRandom(SEED);
    const seeds = seedPayloads();
    const codes = new Map<string, number>();
    for (let i = 0; i < 5_000; i += 1) {
      const payload = mutate(seeds[i % seeds.length]!, random);
      const routed = await router.route(payload, { connectionId: 1, remoteHost: '127.0.0.9', remotePort: 1 });
      const response = decodeResponse(routed.response);
      const code = response.ok ? 'ok' : response.error.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    expect(codes.get(WireErrorCode.Internal) ?? 0).toBe(0);
    for (const code of codes.keys()) expect(code === 'ok' || isWireErrorCode(code), code).toBe(true);
    expect(codes.get(WireErrorCode.BadRequest) ?? 0).toBeGreaterThan(1_000);
  });
});

describe('hostile peers over the wire', () => {
  let open: ServerProcess; // per-IP request limit lifted: fuzz and logins reach the handlers
  const peers: LoopbackPeer[] = [];
  const clients: WireClient[] = [];

  const peer = async (server: ServerProcess, host: string): Promise<LoopbackPeer> => {
    const connected = await connectFrom(host, server.port, server.certSha256);
    peers.push(connected);
    return connected;
  };

  beforeAll(async () => {
    open = await startServerProcess(makeDataDir(), [], { QPC_RATE_LIMIT_PER_IP: '1000000' });
    const client = await WireClient.connect(open.port, open.certSha256);
    clients.push(client);
    await registerAccount(client, 'alice', 'alice password');
  }, 60_000);

  afterAll(async () => {
    for (const connected of peers) await connected.close().catch(() => undefined);
    for (const client of clients) await client.close();
    await open.kill('SIGTERM');
    removeDataDir(open.dataDir);
  });

  it(
    'answers 400 mutated frames from one address with typed errors or a reset',
    { timeout: 120_000 },
    async () => {
      const random = seededRandom(SEED + 1);
      const seeds = seedPayloads();
      const fuzzer = await peer(open, '127.0.0.2');
      const codes = new Map<string, number>();
      for (let i = 0; i < 1_000; i += 1) {
        const frame = frameMutated(mutate(seeds[i % seeds.length]!, random), random);
        const code = outcome(await fuzzer.exchange(frame));
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
      expect(codes.get(WireErrorCode.Internal) ?? 0).toBe(0);
      for (const code of codes.keys()) {
        expect(code === 'ok' || code === 'closed' || isWireErrorCode(code), code).toBe(true);
      }
      // The server is still whole: another address is served, and nothing was INTERNAL.
      const other = await peer(open, '127.0.0.3');
      expect(outcome(await other.exchange(encodeFrame(encodeCall(Method.Ping, 1, {}))))).toBe('ok');
      expect(await open.metrics()).not.toMatch(/result="INTERNAL"/);
    },
  );

  it('keeps logins open for others while one address floods LoginStart', { timeout: 60_000 }, async () => {
    const flooder = await peer(open, '127.0.0.4');
    const start = opaque.client.startLogin({ password: 'guess' });
    const frame = encodeFrame(
      encodeCall(Method.LoginStart, 1, { username: 'alice', startLoginRequest: start.startLoginRequest }),
    );
    const codes: string[] = [];
    for (let wave = 0; wave < 6; wave += 1) {
      codes.push(
        ...(await Promise.all(Array.from({ length: 10 }, () => flooder.exchange(frame)))).map(outcome),
      );
    }
    // The address holds its share (32 logins in progress) and no more.
    expect(codes.filter((code) => code === 'ok')).toHaveLength(32);
    expect(codes.filter((code) => code === WireErrorCode.RateLimited)).toHaveLength(28);
    // alice, from another address, logs in as usual.
    const alice = await WireClient.connect(open.port, open.certSha256);
    clients.push(alice);
    await logIn(alice, 'alice', 'alice password');
    expect(alice.token).toHaveLength(32);
  });
});

/**
 * The server runs in this process with a clock that stands still, so the per-IP window (one second)
 * never slides and a shut-out never ends: what the flood meets depends on how many requests it sent,
 * not on how fast the machine answers. The flooder's window is full before the honest address sends its
 * first request and stays full to the end, so every honest request is served while the flooder is
 * refused; once it has been refused SHUT_OUT_AFTER_REFUSALS_FACTOR x its limit in that second, its
 * connections are closed with a typed reason and its handshakes dropped.
 */
describe('a flood from one address beside an honest one', () => {
  let dir: string;
  let server: RunningQpcServer;
  let limit: number;
  const peers: LoopbackPeer[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qpc-flood-'));
    const config = loadServerConfig({
      argv: ['--data-dir', dir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0'],
      env: {},
      cwd: dir,
    });
    limit = config.rateLimitPerIpPerSecond;
    server = await startQpcServer(config, {
      clock: new ManualClock(Date.now()),
      randomBytes: systemRandomBytes,
      sleep: () => Promise.resolve(),
      logger: silentLogger(),
    });
  }, 60_000);

  afterAll(async () => {
    for (const connected of peers) await connected.close().catch(() => undefined);
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'serves an honest address in full while another sends 10x its limit, then shuts the flooder out',
    { timeout: 120_000 },
    async () => {
      const connect = async (host: string, timeoutMs?: number): Promise<LoopbackPeer> => {
        const connected = await connectFrom(host, server.port, server.certSha256, timeoutMs);
        peers.push(connected);
        return connected;
      };
      const flooders = await Promise.all([1, 2, 3, 4].map(() => connect('127.0.0.6')));
      const honest = await connect('127.0.0.7');
      const ping = encodeFrame(encodeCall(Method.Ping, 1, {}));
      const floodCodes: string[] = [];
      // Waves of 20 spread over the four connections, within the per-IP stream limits.
      const wave = async (): Promise<void> => {
        const answers = await Promise.all(
          Array.from({ length: 20 }, (_, i) => flooders[i % flooders.length]!.exchange(ping)),
        );
        floodCodes.push(...answers.map(outcome));
      };
      const total = limit * 10;
      // Past its limit before the honest address starts: the flooder's window is full.
      while (floodCodes.length <= limit) await wave();
      expect(floodCodes).toContain(WireErrorCode.RateLimited);
      // The rest of the flood runs beside the honest requests.
      const flood = (async () => {
        while (floodCodes.length < total) await wave();
      })();
      const honestCodes: string[] = [];
      for (let i = 0; i < 30; i += 1) honestCodes.push(outcome(await honest.exchange(ping)));
      await flood;

      expect(honestCodes).toEqual(Array.from({ length: 30 }, () => 'ok'));
      // Exactly the limit passed for the flooder; the rest was refused, typed, until the shut-out closed
      // its connections (then its streams find no connection: 'closed').
      expect(floodCodes).toHaveLength(total);
      expect(floodCodes.filter((code) => code === 'ok')).toHaveLength(limit);
      const refused = floodCodes.filter((code) => code === WireErrorCode.RateLimited).length;
      expect(refused).toBeGreaterThanOrEqual(limit * SHUT_OUT_AFTER_REFUSALS_FACTOR);
      expect(floodCodes.filter((code) => code === 'closed').length).toBeGreaterThan(0);
      expect(
        floodCodes.filter((code) => !['ok', WireErrorCode.RateLimited, 'closed'].includes(code)),
      ).toEqual([]);
      // Every flooding connection was closed with the typed reason and the penalty as its retry hint.
      for (const flooder of flooders) {
        const closed = flooder.closedWith();
        expect(closed?.errorCode).toBe(ConnectionCloseCode.RateLimited);
        expect(parseCloseReason(closed?.reason)).toEqual({
          code: WireErrorCode.RateLimited,
          retryAfterMs: DEFAULT_SHUT_OUT_MS,
        });
      }
      // Its handshakes are dropped while the penalty lasts (the clock stands still: all test long).
      await expect(connect('127.0.0.6', 1_500)).rejects.toThrow();
      // The honest address still connects and is served.
      expect(outcome(await (await connect('127.0.0.7')).exchange(ping))).toBe('ok');
      const metrics = await (await fetch(`http://127.0.0.1:${server.adminPort}/metrics`)).text();
      const ipHits = Number(/rate_limit_hit_total\{scope="ip"\} (\d+)/.exec(metrics)?.[1]);
      expect(ipHits).toBeGreaterThanOrEqual(refused);
      expect(metrics).toMatch(/qpc_transport_refused_total\{kind="shut_out"\} [1-9]/);
      expect(metrics).not.toMatch(/result="INTERNAL"/);
    },
  );
});
