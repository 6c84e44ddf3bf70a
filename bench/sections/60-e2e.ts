/**
 * End-to-end latency: a message sent on engine A, through qpc-server (its own process, real QUIC on
 * loopback, durable enqueue, push), decrypted and stored on engine B. Sequential, one message in flight,
 * so each sample is a full trip. Both engines share this process's event loop, as two clients on one
 * machine would share its cores.
 */
import { figure, heading, percentile, type BenchSection } from '../report.js';
import { hopBreakdown, parseTraceLines, type HopSample, type MessageWindow } from '../messageTrace.js';
import { isJoined, registeredClient, removeDir, startServer, tempDir } from '../../test/e2e/harness.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { setTraceSink } from '../../src/lib/trace.js';
import { connectQuic } from '../../src/engine/net/quicTransport.js';
import { encodeCall, Method } from '../../src/protocol/index.js';

const MESSAGES = Number(process.env.QPC_BENCH_E2E_MESSAGES ?? 1000);
const TRACED = Math.min(200, MESSAGES);
const PINGS = 200;
const WARMUP = 20;

export const section: BenchSection = {
  name: 'e2e',
  async run() {
    heading(`End-to-end latency over QUIC through qpc-server (${MESSAGES} messages)`);
    const dirs = [tempDir('bench-server'), tempDir('bench-a'), tempDir('bench-b')];
    const [serverDir = '', aDir = '', bDir = ''] = dirs;
    // Latency, not the rate limiter: lift the per-IP limit (every client here shares 127.0.0.1).
    // The server traces its hops on stderr (QPC_TRACE=1); they are only read in the traced phase.
    process.env.QPC_TRACE = '1';
    const server = await startServer(serverDir, 0, [
      '--rate-limit-per-ip',
      '100000',
      '--rate-limit-per-account',
      '100000',
    ]);
    delete process.env.QPC_TRACE;
    let serverTrace = '';
    server.child.stderr?.on('data', (chunk: Buffer) => (serverTrace += chunk.toString()));
    const a = await registeredClient(aDir, server.address, 'bench-a');
    const b = await registeredClient(bDir, server.address, 'bench-b');
    try {
      const groupId = (await a.engine.createGroup('bench')).id;
      await a.engine.invite(groupId, 'bench-b');
      await b.waitFor(isJoined(groupId));

      let expect = '';
      let arrived: (() => void) | undefined;
      b.engine.subscribe((event: EngineEvent) => {
        if (event.type === 'messageReceived' && event.message.text === expect) arrived?.();
      });
      const trip = async (text: string): Promise<MessageWindow> => {
        expect = text;
        const received = new Promise<void>((resolve) => (arrived = resolve));
        const start = performance.timeOrigin + performance.now();
        await a.engine.send(groupId, expect);
        await received;
        return { start, end: performance.timeOrigin + performance.now() };
      };
      const samples: number[] = [];
      for (let i = 0; i < WARMUP + MESSAGES; i += 1) {
        const window = await trip(`m${i}`);
        if (i >= WARMUP) samples.push(window.end - window.start);
      }
      samples.sort((x, y) => x - y);

      // Baseline: the transport's floor for one request, a Ping on a fresh stream over one connection.
      const pinger = await connectQuic({
        host: '127.0.0.1',
        port: server.port,
        serverName: 'localhost',
        checkPin: () => 'accept', // a bench on loopback against the server it just started
      });
      const ping = encodeCall(Method.Ping, 1, {});
      const pings: number[] = [];
      for (let i = 0; i < WARMUP + PINGS; i += 1) {
        const start = performance.now();
        await pinger.request(ping);
        if (i >= WARMUP) pings.push(performance.now() - start);
      }
      await pinger.close();
      pings.sort((x, y) => x - y);
      figure('send on A -> decrypted on B, p50', percentile(samples, 50), 'ms');
      figure('send on A -> decrypted on B, p99', percentile(samples, 99), 'ms');
      figure('send on A -> decrypted on B, max', samples.at(-1) ?? Number.NaN, 'ms');
      const seconds = samples.reduce((sum, value) => sum + value, 0) / 1000;
      figure('sequential messages per second', samples.length / seconds, 'msg/s', 'one in flight');
      figure('baseline: Ping round trip, new stream, p50', percentile(pings, 50), 'ms', 'the floor');
      figure('baseline: Ping round trip, new stream, p99', percentile(pings, 99), 'ms');

      // Where the milliseconds go: the same trip with every hop traced, here and in the server.
      const hops: HopSample[] = [];
      setTraceSink((hop, at) => hops.push({ hop, at }));
      const windows: MessageWindow[] = [];
      try {
        for (let i = 0; i < TRACED; i += 1) windows.push(await trip(`t${i}`));
      } finally {
        setTraceSink(undefined);
      }
      hops.push(...parseTraceLines(serverTrace));
      const traced = windows.map((w) => w.end - w.start).sort((x, y) => x - y);
      console.log(`  hops of one message (${TRACED} traced; ms after send, p50 / p99):`);
      for (const { hop, p50, p99, seen } of hopBreakdown(hops, windows)) {
        console.log(
          `    ${hop.padEnd(22)} ${p50.toFixed(2).padStart(8)} ${p99.toFixed(2).padStart(8)}  (${seen})`,
        );
      }
      figure('traced trip p50 (tracing on)', percentile(traced, 50), 'ms', 'vs untraced above');
    } finally {
      await a.close();
      await b.close();
      await server.kill('SIGTERM');
      for (const dir of dirs) removeDir(dir);
    }
  },
};
