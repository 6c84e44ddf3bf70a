/**
 * Hostile input, on loopback only, every loop bounded in count and in time:
 * - mutated requests through the server's router in process (up to 1,000,000, at most FUZZ_MAX_MS);
 * - mutated frames over real QUIC from one loopback address (up to WIRE_FRAMES);
 * - an honest client's Ping latency (p50/p99) from 127.0.0.3, alone and then while 127.0.0.2 sends ten
 *   times its per-IP request limit open-loop, side by side, with the server's RSS before and after.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { figure, heading, percentile, type BenchSection } from '../report.js';
import { ManualClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { decodeResponse, encodeCall, encodeFrame, Method, WireErrorCode } from '../../src/protocol/index.js';
import { DeliveryLedger } from '../../src/server/app/deliveryLedger.js';
import { HybridKeyStore } from '../../src/server/app/hybridKeyStore.js';
import { RequestRouter } from '../../src/server/app/requestRouter.js';
import { SealedAccessStore } from '../../src/server/app/sealedAccessStore.js';
import { SessionRegistry } from '../../src/server/app/sessionRegistry.js';
import { loadServerConfig } from '../../src/server/config/loadServerConfig.js';
import { createServerFoundation } from '../../src/server/serverFoundation.js';
import { systemRandomBytes } from '../../src/server/serverDeps.js';
import { frameMutated, mutate, seededRandom, seedPayloads } from '../../test/hostile/mutations.js';
import { connectFrom, type LoopbackPeer } from '../../test/server/loopbackPeer.js';
import {
  makeDataDir,
  removeDataDir,
  startServerProcess,
  type ServerProcess,
} from '../../test/server/serverProcess.js';

const FUZZ_FRAMES = 1_000_000;
const FUZZ_MAX_MS = 420_000;
const WIRE_FRAMES = 3_000;
const WIRE_MAX_MS = 60_000;
const HONEST_PINGS = 300;
/** 25 requests per second: half the per-IP limit. */
const HONEST_INTERVAL_MS = 40;
/** The server's default per-IP request limit (requests per second). */
const PER_IP_LIMIT = 50;
const FLOOD_FACTOR = 10;
const FLOOD_CONNECTIONS = 10;

function sumMetric(text: string, pattern: RegExp): number {
  return [...text.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** The server's memory by kind (qpc_process_memory_bytes), in MiB, as one note. */
export function memoryBreakdown(metrics: string): string {
  const mib = (kind: string): string => {
    const match = new RegExp(`qpc_process_memory_bytes\\{kind="${kind}"\\} (\\d+)`).exec(metrics);
    return match === null ? '?' : (Number(match[1]) / 1048576).toFixed(0);
  };
  return `heap ${mib('heap_used')}/${mib('heap_total')}, external ${mib('external')} (buffers ${mib('array_buffers')}), native ${mib('native')} MiB`;
}

function vmRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

export async function fuzzInProcess(): Promise<void> {
  await opaque.ready;
  const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-fuzz-'));
  const clock = new ManualClock(Date.now());
  const config = loadServerConfig({
    argv: ['--data-dir', dir, '--rate-limit-per-ip', '1000000000'],
    env: {},
    cwd: dir,
  });
  const logger = silentLogger();
  const foundation = await createServerFoundation(config, {
    clock,
    randomBytes: systemRandomBytes,
    sleep: () => Promise.resolve(),
    logger,
  });
  try {
    const router = new RequestRouter({
      foundation,
      ledger: new DeliveryLedger(foundation.db, { clock, ...foundation }),
      hybridKeys: new HybridKeyStore(foundation.db),
      sealedAccess: new SealedAccessStore(foundation.db),
      online: new SessionRegistry({ logger, now: () => clock.now() }),
      clock,
      logger,
    });
    const random = seededRandom(0x5eed);
    const seeds = seedPayloads();
    const peer = { connectionId: 1, remoteHost: '127.0.0.9', remotePort: 1 };
    let frames = 0;
    const started = performance.now();
    while (frames < FUZZ_FRAMES && performance.now() - started < FUZZ_MAX_MS) {
      await router.route(mutate(seeds[frames % seeds.length]!, random), peer);
      frames += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    // Every answer is counted by result in the server's own metrics: read the INTERNAL ones from there.
    const internal = sumMetric(await foundation.metrics.render(), /result="INTERNAL"\} (\d+)/g);
    figure('mutated requests routed in process', frames, 'frames', `${seconds.toFixed(1)} s`);
    figure('  rate', frames / seconds, 'frames/s');
    figure('  INTERNAL answers', internal, '', 'must be 0');
  } finally {
    foundation.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function fuzzOverTheWire(server: ServerProcess): Promise<void> {
  const fuzzer = await connectFrom('127.0.0.4', server.port, server.certSha256);
  try {
    const random = seededRandom(0xf00d);
    const seeds = seedPayloads();
    let frames = 0;
    let resets = 0;
    let internal = 0;
    const started = performance.now();
    while (frames < WIRE_FRAMES && performance.now() - started < WIRE_MAX_MS) {
      const answer = await fuzzer.exchange(
        frameMutated(mutate(seeds[frames % seeds.length]!, random), random),
      );
      if (answer === 'closed') resets += 1;
      else {
        const response = decodeResponse(answer);
        if (!response.ok && response.error.code === WireErrorCode.Internal) internal += 1;
      }
      frames += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    figure('mutated frames over QUIC (one stream each)', frames, 'frames', `${seconds.toFixed(1)} s`);
    figure('  rate', frames / seconds, 'frames/s');
    figure('  streams reset without an answer', resets, '');
    figure('  INTERNAL answers', internal, '', 'must be 0');
  } finally {
    await fuzzer.close();
  }
}

/**
 * HONEST_PINGS Pings, one at a time and at most one every HONEST_INTERVAL_MS (so the honest address stays
 * under its own limit); their latencies in ms, sorted, and how many were not ok.
 */
async function honestPings(
  honest: LoopbackPeer,
): Promise<{ sorted: number[]; failed: number; elapsedMs: number }> {
  const began = performance.now();
  const ping = encodeFrame(encodeCall(Method.Ping, 1, {}));
  const samples: number[] = [];
  let failed = 0;
  for (let i = 0; i < HONEST_PINGS; i += 1) {
    const started = performance.now();
    const paced = new Promise((resolve) => setTimeout(resolve, HONEST_INTERVAL_MS));
    const answer = await honest.exchange(ping);
    samples.push(performance.now() - started);
    if (answer === 'closed' || !decodeResponse(answer).ok) failed += 1;
    await paced;
  }
  return { sorted: samples.sort((a, b) => a - b), failed, elapsedMs: performance.now() - began };
}

interface FloodCounts {
  sent: number;
  served: number;
  limited: number;
  reset: number;
  notOffered: number;
  closedByServer: number;
  closeReasons: string[];
  handshakesRefused: number;
  seconds: number;
}

/** `taskset` pins processes to cores; absent (or not allowed) on some machines, then nothing is pinned. */
function taskset(args: string[]): boolean {
  return spawnSync('taskset', args, { stdio: 'ignore' }).status === 0;
}

/** Starts bench/hostileFlooder.ts in its own process (on `core` when given); resolves once it is up. */
async function startFlooder(
  server: ServerProcess,
  seconds: number,
  core: number | undefined,
): Promise<{ done: Promise<FloodCounts> }> {
  const script = fileURLToPath(new URL('../hostileFlooder.ts', import.meta.url));
  const rate = PER_IP_LIMIT * FLOOD_FACTOR;
  const nodeArgs = [
    '--import',
    'tsx',
    script,
    String(server.port),
    server.certSha256,
    String(rate),
    String(FLOOD_CONNECTIONS),
    String(seconds),
  ];
  const [command, args] =
    core === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done === true || first.value !== 'ready') throw new Error('the flooder did not start');
  return {
    done: (async () => {
      const last = await lines.next();
      if (last.done === true) throw new Error('the flooder ended without its counts');
      return JSON.parse(last.value) as FloodCounts;
    })(),
  };
}

/**
 * The honest client's Ping latency alone and then beside a flood from 127.0.0.2 at FLOOD_FACTOR x its
 * limit. `pinned`: the flooder runs on core 1 and the server and this process (the honest client) on
 * core 0, so the flooder's own CPU does not count against the server (on a 2-core box it otherwise
 * takes half the machine the server and the honest client share).
 */
export async function floodBesideHonest(server: ServerProcess, pinned = false): Promise<void> {
  const label = pinned ? ' [pinned]' : '';
  const serverPid = server.child.pid ?? 0;
  const restore = pinned ? ['-a', '-p', '-c', '0-1'] : [];
  const didPin =
    pinned &&
    taskset(['-a', '-p', '-c', '0', String(serverPid)]) &&
    taskset(['-a', '-p', '-c', '0', String(process.pid)]);
  if (pinned && !didPin) {
    figure('flood with pinned cores', Number.NaN, '', 'taskset unavailable: not measured');
    return;
  }
  const honest = await connectFrom('127.0.0.3', server.port, server.certSha256);
  try {
    const rssBefore = vmRssMiB(server.child.pid);
    const memoryBefore = memoryBreakdown(await server.metrics());
    await honestPings(honest); // warm-up
    const baseline = await honestPings(honest);
    // The flood runs as long as a baseline run took, plus a margin, from another process and address.
    const floodSeconds = Math.ceil((baseline.elapsedMs * 1.5) / 1000) + 2;
    const flooder = await startFlooder(server, floodSeconds, pinned ? 1 : undefined);
    const underFlood = await honestPings(honest);
    const flood = await flooder.done;
    const rssAfter = vmRssMiB(server.child.pid);
    const metrics = await server.metrics();

    if (pinned) console.log('  pinned with taskset: flooder on core 1, server and honest client on core 0');
    figure(`honest Ping p50, alone${label}`, percentile(baseline.sorted, 50), 'ms', '127.0.0.3, 25 req/s');
    figure(`honest Ping p99, alone${label}`, percentile(baseline.sorted, 99), 'ms');
    figure(
      `flood asked from 127.0.0.2${label}`,
      PER_IP_LIMIT * FLOOD_FACTOR,
      'req/s',
      `${FLOOD_FACTOR}x the ${PER_IP_LIMIT}/s limit, open loop, own process`,
    );
    figure(
      '  flooder achieved (requests sent on streams)',
      flood.sent / flood.seconds,
      'req/s',
      `${flood.notOffered} due while 16 per connection were unanswered, not sent`,
    );
    figure('  of which served / RATE_LIMITED / reset', flood.served, `/ ${flood.limited} / ${flood.reset}`);
    figure(
      '  connections the server closed (shut-out)',
      flood.closedByServer,
      '',
      flood.closeReasons.length > 0 ? `code:reason ${[...new Set(flood.closeReasons)].join(', ')}` : 'none',
    );
    figure('  handshakes refused while shut out', flood.handshakesRefused, '', 'reconnects that timed out');
    figure(
      '  server: refused before reading (RATE_LIMITED)',
      sumMetric(metrics, /qpc_requests_total\{method="unknown",result="RATE_LIMITED"\} (\d+)/g),
      '',
    );
    figure('  server: handshakes dropped (shut out)', sumMetric(metrics, /kind="shut_out"\} (\d+)/g), '');
    figure(`honest Ping p50, under flood${label}`, percentile(underFlood.sorted, 50), 'ms');
    figure(`honest Ping p99, under flood${label}`, percentile(underFlood.sorted, 99), 'ms');
    figure(
      '  p99 under flood / p99 alone',
      percentile(underFlood.sorted, 99) / percentile(baseline.sorted, 99),
      'x',
      'goal: at most 2',
    );
    figure('  honest requests not ok', baseline.failed + underFlood.failed, '', 'must be 0');
    figure(`server RSS before the flood${label}`, rssBefore, 'MiB', memoryBefore);
    figure(`server RSS after the flood${label}`, rssAfter, 'MiB', memoryBreakdown(metrics));
  } finally {
    await honest.close().catch(() => undefined);
    if (didPin) {
      taskset([...restore, String(serverPid)]);
      taskset([...restore, String(process.pid)]);
    }
  }
}

export const section: BenchSection = {
  name: 'hostile',
  async run() {
    heading('Hostile input: fuzzing and a flood from one address (loopback)');
    await fuzzInProcess();
    const open = await startServerProcess(makeDataDir(), [], { QPC_RATE_LIMIT_PER_IP: '1000000' });
    try {
      await fuzzOverTheWire(open);
    } finally {
      await open.kill('SIGTERM');
      removeDataDir(open.dataDir);
    }
    for (const pinned of [false, true]) {
      // A fresh server each time: the first flood's shut-out must not meet the second.
      const limited = await startServerProcess(makeDataDir());
      try {
        await floodBesideHonest(limited, pinned);
      } finally {
        await limited.kill('SIGTERM');
        removeDataDir(limited.dataDir);
      }
    }
  },
};
