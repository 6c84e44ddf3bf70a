/**
 * The QUIC transport's ceiling on this machine, pattern by pattern, against a bare echo server in its own
 * process (same framing, no logic; the server's per-IP gate in place): 50 callers, each making one call
 * after another with a 1 KiB Enqueue frame, mapped onto connections and streams in different ways.
 * Every row prints req/s and the p50/p99 of one call; the first row (today's pattern) is the baseline.
 * QUIC datagrams are not in the table: @matrixai/quic 2.0.9 passes `enableDgram` to quiche but has no
 * API to send or receive one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { figure, heading, percentile, type BenchSection } from '../report.js';
import { CallStream } from '../../src/engine/net/callStream.js';
import { connectQuic, type QuicTransport } from '../../src/engine/net/quicTransport.js';
import { silentLogger } from '../../src/lib/logger.js';
import { systemClock } from '../../src/lib/clock.js';
import {
  decodeRequest,
  decodeResponse,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  type QuicTuning,
} from '../../src/protocol/index.js';
import { prepareServerCertificate } from '../../src/server/tls/loadServerCertificate.js';
import { startQuicListener } from '../../src/server/transport/quicListener.js';
import {
  makeDataDir,
  removeDataDir,
  startServerProcess,
  type ServerProcess,
} from '../../test/server/serverProcess.js';
import { logIn, registerAccount, WireClient } from '../../test/server/wireClient.js';

const CALLERS = 50;
/** Length of one measured window; a loaded machine needs longer ones (QPC_BENCH_TRANSPORT_MS). */
const RUN_MS = Number(process.env.QPC_BENCH_TRANSPORT_MS ?? 2500);
/** Alternating rounds of the qpc-server rows, so the machine's load falls on each pattern alike. */
const SERVER_ROUNDS = Number(process.env.QPC_BENCH_TRANSPORT_ROUNDS ?? 3);
const PAYLOAD_BYTES = 1024;
const CHILD_ENV = 'QPC_BENCH_TRANSPORT_CHILD';
const TUNING_ENV = 'QPC_BENCH_TRANSPORT_TUNING';

/** Larger windows and read chunks, more streams: what the tuned rows use on both ends. */
const TUNED: QuicTuning = {
  initialMaxData: 32 * 1024 * 1024,
  initialMaxStreamDataBidiLocal: 4 * 1024 * 1024,
  initialMaxStreamDataBidiRemote: 4 * 1024 * 1024,
  initialMaxStreamsBidi: 256,
  readableChunkSize: 64 * 1024,
};

interface Pattern {
  label: string;
  connections: number;
  /** Long-lived call streams per connection; 0 = a new stream per request. */
  streamsPerConnection: number;
  tuned: boolean;
  /** Set for the rows against qpc-server (answers are Responses, not echoed Requests). */
  againstServer?: boolean;
}

const PATTERNS: Pattern[] = [
  { label: 'new stream per request, 50 connections', connections: 50, streamsPerConnection: 0, tuned: false },
  { label: 'one call stream each, 50 connections', connections: 50, streamsPerConnection: 1, tuned: false },
  { label: 'new stream per request, 1 connection', connections: 1, streamsPerConnection: 0, tuned: false },
  {
    label: 'one call stream, 1 connection, 50 pipelined',
    connections: 1,
    streamsPerConnection: 1,
    tuned: false,
  },
  { label: '4 call streams each, 5 connections', connections: 5, streamsPerConnection: 4, tuned: false },
  {
    label: 'one call stream each, 50 connections, tuned',
    connections: 50,
    streamsPerConnection: 1,
    tuned: true,
  },
  { label: 'one call stream, 1 connection, tuned', connections: 1, streamsPerConnection: 1, tuned: true },
];

interface Result {
  rate: number;
  p50: number;
  p99: number;
  /** Every call's latency (ms) and the measured seconds, so rounds can be added up. */
  latencies: number[];
  seconds: number;
}

function resultOf(latencies: number[], seconds: number): Result {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    rate: sorted.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    latencies: sorted,
    seconds,
  };
}

type Caller = (requestId: number, payload: Uint8Array) => Promise<unknown>;

function callersFor(transports: QuicTransport[], pattern: Pattern): Caller[] {
  if (pattern.streamsPerConnection === 0) {
    return transports.map((transport) => (_id, payload) => transport.request(payload));
  }
  // The echo answers each request frame with itself; qpc-server first answers OpenCallStream, then
  // Responses. Either way the first frame back is skipped and the rest are matched by request id.
  const streams: CallStream<Uint8Array>[] = [];
  for (const transport of transports) {
    for (let i = 0; i < pattern.streamsPerConnection; i++) {
      const stream = transport.openStream();
      const writer = stream.writable.getWriter();
      void writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 0, {})));
      writer.releaseLock();
      const frames = readFrames(stream.readable);
      let opened = false;
      streams.push(
        new CallStream(stream, frames, (frame) => {
          if (!opened) {
            opened = true;
            return { requestId: 0, value: frame };
          }
          const requestId = pattern.againstServer
            ? decodeResponse(frame).requestId
            : decodeRequest(frame).requestId;
          return { requestId, value: frame };
        }),
      );
    }
  }
  return streams.map((stream) => (id, payload) => stream.call(id, payload));
}

async function measure(
  port: number,
  certSha256: string,
  pattern: Pattern,
  payloadFor: (requestId: number) => Uint8Array,
): Promise<Result> {
  const transports: QuicTransport[] = [];
  for (let i = 0; i < pattern.connections; i += 10) {
    const batch = Math.min(10, pattern.connections - i);
    transports.push(
      ...(await Promise.all(
        Array.from({ length: batch }, () =>
          connectQuic({
            host: '127.0.0.1',
            port,
            serverName: 'localhost',
            checkPin: (presented) => (presented === certSha256 ? 'accept' : 'reject'),
            ...(pattern.tuned ? { tuning: TUNED } : {}),
          }),
        ),
      )),
    );
  }
  const callers = callersFor(transports, pattern);
  const latencies: number[] = [];
  let nextId = 1;
  // One call per caller before the clock starts: connections, call streams (their OpenCallStream) and
  // the server's first-call work are set up alike for every pattern, so the window measures steady calls.
  await Promise.all(
    Array.from({ length: CALLERS }, (_, index) => {
      const id = nextId++;
      return callers[index % callers.length]!(id, payloadFor(id));
    }),
  );
  const deadline = performance.now() + RUN_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async (_, index) => {
      const caller = callers[index % callers.length]!;
      while (performance.now() < deadline) {
        const id = nextId++;
        const payload = payloadFor(id);
        const t0 = performance.now();
        await caller(id, payload);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(transports.map((transport) => transport.close()));
  return resultOf(latencies, seconds);
}

async function startEchoChild(
  tuned: boolean,
): Promise<{ child: ChildProcess; port: number; certSha256: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [CHILD_ENV]: makeDataDir(), [TUNING_ENV]: tuned ? '1' : '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const { port, certSha256 } = JSON.parse(line) as { port: number; certSha256: string };
  return { child, port, certSha256 };
}

/** Echoes every frame of every stream, in order, and ends the stream when the client ends it. */
async function runEchoChild(dataDir: string, tuned: boolean): Promise<void> {
  const logger = silentLogger();
  const certificate = await prepareServerCertificate({
    certPath: undefined,
    keyPath: undefined,
    dataDir,
    clock: systemClock,
    logger,
  });
  const listener = await startQuicListener({
    host: '127.0.0.1',
    port: 0,
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    maxIdleTimeoutMs: 30_000,
    logger,
    limits: { connectionsPerIp: 1024, handshakesPerIp: 64, streamsPerIp: 4096, streamsPerConnection: 256 },
    ...(tuned ? { tuning: TUNED } : {}),
    handler: {
      onStream: async (stream) => {
        const writer = stream.writable.getWriter();
        for await (const frame of readFrames(stream.readable)) await writer.write(encodeFrame(frame));
        await writer.close();
      },
    },
  });
  process.stdout.write(
    `${JSON.stringify({ port: listener.port, certSha256: certificate.fingerprintSha256 })}\n`,
  );
  process.on('SIGTERM', () => {
    void listener.stop({ force: true }).then(() => {
      removeDataDir(dataDir);
      process.exit(0);
    });
  });
}

async function run(): Promise<void> {
  heading(`QUIC transport patterns (bare echo in its own process, ${CALLERS} callers, 1 KiB frames)`);
  const body = new Uint8Array(randomBytes(PAYLOAD_BYTES));
  const results: Result[] = [];
  for (const tuned of [false, true]) {
    const echo = await startEchoChild(tuned);
    try {
      for (const [index, pattern] of PATTERNS.entries()) {
        if (pattern.tuned !== tuned) continue;
        results[index] = await measure(echo.port, echo.certSha256, pattern, (id) =>
          encodeCall(
            Method.Enqueue,
            id,
            { recipientIdentityKeys: [new Uint8Array(32)], payload: body },
            new Uint8Array(32),
          ),
        );
      }
    } finally {
      echo.child.kill('SIGTERM');
    }
  }
  const baseline = results[0]!;
  for (const [index, pattern] of PATTERNS.entries()) {
    const result = results[index]!;
    figure(
      pattern.label,
      result.rate,
      'req/s',
      `p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${(result.rate / baseline.rate).toFixed(2)}x row 1`,
    );
  }
  await againstServer(body);
  figure('load average (1 min) during the run', loadavg()[0] ?? Number.NaN, '', 'cores shared');
}

/** The same two patterns against qpc-server itself (durable Enqueue, limits lifted for the load). */
async function againstServer(body: Uint8Array): Promise<void> {
  heading(`qpc-server Enqueue 1 KiB, ${CALLERS} senders: stream per request vs call streams`);
  const dataDir = makeDataDir();
  let server: ServerProcess | undefined;
  try {
    server = await startServerProcess(dataDir, [
      '--rate-limit-per-ip',
      '10000000',
      '--rate-limit-per-account',
      '10000000',
      '--queue-cap',
      '10000000',
    ]);
    const setup = await WireClient.connect(server.port, server.certSha256);
    const recipient = await registerAccount(setup, 'bench-recipient', 'bench password');
    await registerAccount(setup, 'bench-sender', 'bench password');
    await logIn(setup, 'bench-sender', 'bench password');
    const token = setup.token;
    await setup.close();
    const payloadFor = (id: number): Uint8Array =>
      encodeCall(
        Method.Enqueue,
        id,
        { recipientIdentityKeys: [recipient.identityPublicKey], payload: body },
        token,
      );
    const rows: [string, Pattern][] = [
      ['stream per request (before)', PATTERNS[0]!],
      ['one call stream per connection (now)', { ...PATTERNS[1]!, againstServer: true }],
      ['one call stream, 1 connection, 50 pipelined', { ...PATTERNS[3]!, againstServer: true }],
    ];
    const latencies = rows.map((): number[] => []);
    const seconds = rows.map(() => 0);
    for (let round = 0; round < SERVER_ROUNDS; round++) {
      for (const [index, [, pattern]] of rows.entries()) {
        const result = await measure(server.port, server.certSha256, pattern, payloadFor);
        latencies[index]!.push(...result.latencies);
        seconds[index]! += result.seconds;
      }
    }
    const results = rows.map((_, index) => resultOf(latencies[index]!, seconds[index]!));
    for (const [index, [label]] of rows.entries()) {
      const result = results[index]!;
      figure(
        label,
        result.rate,
        'req/s',
        `p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, ${(result.rate / results[0]!.rate).toFixed(2)}x before`,
      );
    }
    figure('rounds of each row, alternated', SERVER_ROUNDS, '', `${RUN_MS} ms each`);
  } finally {
    if (server !== undefined) await server.kill('SIGTERM');
    removeDataDir(dataDir);
  }
}

const childDataDir = process.env[CHILD_ENV];
if (childDataDir !== undefined) await runEchoChild(childDataDir, process.env[TUNING_ENV] === '1');

export const section: BenchSection = { name: 'transport', run };
