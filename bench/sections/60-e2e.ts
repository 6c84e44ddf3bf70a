/**
 * End-to-end latency: a message sent on engine A, through qpc-server (its own process, real QUIC on
 * loopback, durable enqueue, push), decrypted and stored on engine B. Sequential, one message in flight,
 * so each sample is a full trip. Both engines share this process's event loop, as two clients on one
 * machine would share its cores.
 *
 * Two pairs of engines run side by side, one making its calls on a stream per request and one on a
 * call stream (the default), in alternating rounds so the machine's load falls on both alike; the
 * Ping round trip over the same two patterns is the floor each is compared to.
 */
import { loadavg } from 'node:os';
import { figure, heading, percentile, type BenchSection } from '../report.js';
import { hopBreakdown, parseTraceLines, type HopSample, type MessageWindow } from '../messageTrace.js';
import { durableCommitSamples } from '../durableFloor.js';
import {
  isJoined,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  type TestClient,
} from '../../test/e2e/harness.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { setTraceSink } from '../../src/lib/trace.js';
import { ServerConnection } from '../../src/engine/net/serverConnection.js';
import { parseServerAddress } from '../../src/engine/net/serverAddress.js';
import { Method } from '../../src/protocol/index.js';

const MESSAGES = Number(process.env.QPC_BENCH_E2E_MESSAGES ?? 1000);
const TRACED = Math.min(200, MESSAGES);
const PINGS = 200;
const WARMUP = 20;
const ROUNDS = 10;

interface Mode {
  label: string;
  callStreams: boolean;
}

const MODES: readonly Mode[] = [
  { label: 'stream per request', callStreams: false },
  { label: 'call streams (default)', callStreams: true },
];

interface Pair {
  a: TestClient;
  b: TestClient;
  trip: (text: string) => Promise<MessageWindow>;
}

/** A and B in one group, B counting the messages that arrive. */
async function pairFor(server: string, dirs: string[], mode: Mode, index: number): Promise<Pair> {
  const [aDir, bDir] = [tempDir(`bench-a${index}`), tempDir(`bench-b${index}`)];
  dirs.push(aDir, bDir);
  const connection = { callStreams: mode.callStreams };
  const a = await registeredClient(aDir, server, `bench-a${index}`, { connection });
  const b = await registeredClient(bDir, server, `bench-b${index}`, { connection });
  const groupId = (await a.engine.createGroup('bench')).id;
  await a.engine.invite(groupId, `bench-b${index}`);
  await b.waitFor(isJoined(groupId));
  let expected = '';
  let arrived: (() => void) | undefined;
  b.engine.subscribe((event: EngineEvent) => {
    if (event.type === 'messageReceived' && event.message.text === expected) arrived?.();
  });
  const trip = async (text: string): Promise<MessageWindow> => {
    expected = text;
    const received = new Promise<void>((resolve) => (arrived = resolve));
    const start = performance.timeOrigin + performance.now();
    await a.engine.send(groupId, text);
    await received;
    return { start, end: performance.timeOrigin + performance.now() };
  };
  return { a, b, trip };
}

/** Ping round trips through a ServerConnection in the given mode (the engine's own call path). */
async function pingConnection(server: string, mode: Mode): Promise<ServerConnection> {
  const connection = new ServerConnection({
    address: parseServerAddress(server),
    pins: { get: () => undefined, set: () => undefined }, // a bench on loopback against its own server
    reconnect: false,
    callStreams: mode.callStreams,
  });
  await connection.connect();
  return connection;
}

function sorted(samples: number[]): number[] {
  return [...samples].sort((x, y) => x - y);
}

export const section: BenchSection = {
  name: 'e2e',
  async run() {
    heading(`End-to-end latency over QUIC through qpc-server (${MESSAGES} messages per mode)`);
    const dirs = [tempDir('bench-server')];
    // Latency, not the rate limiter: lift the per-IP limit (every client here shares 127.0.0.1).
    // The server traces its hops on stderr (QPC_TRACE=1); they are only read in the traced phase.
    process.env.QPC_TRACE = '1';
    const server = await startServer(dirs[0]!, 0, [
      '--rate-limit-per-ip',
      '100000',
      '--rate-limit-per-account',
      '100000',
    ]);
    delete process.env.QPC_TRACE;
    let serverTrace = '';
    server.child.stderr?.on('data', (chunk: Buffer) => (serverTrace += chunk.toString()));
    const pairs: Pair[] = [];
    const pingers: ServerConnection[] = [];
    try {
      for (const [index, mode] of MODES.entries()) {
        pairs.push(await pairFor(server.address, dirs, mode, index));
        pingers.push(await pingConnection(server.address, mode));
      }
      const trips = MODES.map((): number[] => []);
      const pings = MODES.map((): number[] => []);
      for (const [index, pair] of pairs.entries()) {
        for (let i = 0; i < WARMUP; i += 1) await pair.trip(`w${index}-${i}`);
        for (let i = 0; i < WARMUP; i += 1) await pingers[index]!.request(Method.Ping, {});
      }
      const load = [loadavg()[0] ?? Number.NaN];
      // Alternating rounds: each mode gets every stretch of the machine's load in turn.
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const [index, pair] of pairs.entries()) {
          for (let i = 0; i < MESSAGES / ROUNDS; i += 1) {
            const window = await pair.trip(`m${round}-${i}`);
            trips[index]!.push(window.end - window.start);
          }
          for (let i = 0; i < PINGS / ROUNDS; i += 1) {
            const start = performance.now();
            await pingers[index]!.request(Method.Ping, {});
            pings[index]!.push(performance.now() - start);
          }
        }
      }
      load.push(loadavg()[0] ?? Number.NaN);
      const basePing = percentile(sorted(pings[0]!), 50);
      for (const [index, mode] of MODES.entries()) {
        const samples = sorted(trips[index]!);
        const floor = sorted(pings[index]!);
        const pingP50 = percentile(floor, 50);
        const pingP99 = percentile(floor, 99);
        console.log(`  ${mode.label}:`);
        figure(
          '  send on A -> decrypted on B, p50',
          percentile(samples, 50),
          'ms',
          `${(percentile(samples, 50) / pingP50).toFixed(1)}x its Ping p50`,
        );
        figure(
          '  send on A -> decrypted on B, p99',
          percentile(samples, 99),
          'ms',
          `${(percentile(samples, 99) / pingP99).toFixed(1)}x its Ping p99`,
        );
        figure('  send on A -> decrypted on B, max', samples.at(-1) ?? Number.NaN, 'ms');
        const seconds = samples.reduce((sum, value) => sum + value, 0) / 1000;
        figure('  sequential messages per second', samples.length / seconds, 'msg/s', 'one in flight');
        figure(
          '  baseline: Ping round trip, p50',
          pingP50,
          'ms',
          `${(pingP50 / basePing).toFixed(2)}x the stream-per-request Ping`,
        );
        figure('  baseline: Ping round trip, p99', pingP99, 'ms');
      }
      const [before, now] = [percentile(sorted(trips[0]!), 50), percentile(sorted(trips[1]!), 50)];
      figure('call streams vs stream per request, trip p50', now / before, 'x', 'below 1 is faster');
      figure('load average (1 min), start / end', load[0]!, '', `end ${load[1]!.toFixed(2)}`);

      // Where the milliseconds go: the default pair's trip with every hop traced, here and in the server.
      // The other pair and the Ping connections close first: their liveness Pings would add hops.
      for (const pinger of pingers.splice(0)) await pinger.close();
      const [others, traceds] = [pairs[0]!, pairs[1]!];
      pairs.splice(0, 1);
      await others.a.close();
      await others.b.close();
      const hops: HopSample[] = [];
      setTraceSink((hop, at) => hops.push({ hop, at }));
      const windows: MessageWindow[] = [];
      try {
        for (let i = 0; i < TRACED; i += 1) windows.push(await traceds.trip(`t${i}`));
      } finally {
        setTraceSink(undefined);
      }
      hops.push(...parseTraceLines(serverTrace));
      const traced = windows.map((w) => w.end - w.start).sort((x, y) => x - y);
      console.log(`  hops of one message, call streams (${TRACED} traced; ms after send, p50 / p99):`);
      for (const { hop, p50, p99, seen } of hopBreakdown(hops, windows)) {
        console.log(
          `    ${hop.padEnd(22)} ${p50.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)}  (${seen})`,
        );
      }
      figure('traced trip p50 (tracing on)', percentile(traced, 50), 'ms', 'vs untraced above');
      // The server's read -> durable step beside its floor on this disk, measured now.
      const commits = sorted(durableCommitSamples(200));
      figure(
        'baseline: one durable commit (WAL, fsync), p50',
        percentile(commits, 50),
        'ms',
        `p99 ${percentile(commits, 99).toFixed(2)} ms`,
      );
    } finally {
      for (const pinger of pingers) await pinger.close();
      for (const pair of pairs) {
        await pair.a.close();
        await pair.b.close();
      }
      await server.kill('SIGTERM');
      for (const dir of dirs) removeDir(dir);
    }
  },
};
