/**
 * qpc-server under load, over real QUIC on loopback, the server in its own process:
 * - Enqueue throughput (a 1 KiB payload, 50 concurrent senders on their own connections) beside a bare
 *   @matrixai/quic echo server (same framing, one frame back per stream, no logic) in this same run;
 * - the event-loop delay inside the server during that run (perf_hooks monitorEventLoopDelay, read from
 *   /metrics) and the group-commit batch size;
 * - the server's resident memory just started, after the load, and with 100 and 1,000 connected idle
 *   clients (VmRSS from /proc/<pid>/status), beside the bare echo process (same QUIC stack, no logic).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { figure, heading, type BenchSection } from '../report.js';
import { memoryBreakdown } from './90-hostile.js';
import { connectQuic, type QuicTransport } from '../../src/engine/net/quicTransport.js';
import { silentLogger } from '../../src/lib/logger.js';
import { systemClock } from '../../src/lib/clock.js';
import { encodeCall, encodeFrame, Method, readOneFrame } from '../../src/protocol/index.js';
import { prepareServerCertificate } from '../../src/server/tls/loadServerCertificate.js';
import { startQuicListener } from '../../src/server/transport/quicListener.js';
import {
  makeDataDir,
  removeDataDir,
  startServerProcess,
  type ServerProcess,
} from '../../test/server/serverProcess.js';
import { logIn, registerAccount, WireClient } from '../../test/server/wireClient.js';

const SENDERS = 50;
const RUN_MS = 2500;
const IDLE_CLIENT_COUNTS = (process.env.QPC_BENCH_IDLE_CLIENTS ?? '100,1000').split(',').map(Number);
const PAYLOAD_BYTES = 1024;
const CONNECT_BATCH = 25;
const ECHO_CHILD_ENV = 'QPC_BENCH_ECHO_CHILD';

function vmRssMiB(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? Number.NaN : Number(match[1]) / 1024;
}

/** `name{labels} value` from a Prometheus text exposition; NaN when absent. */
function metric(text: string, name: string): number {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `)) return Number(line.slice(name.length + 1));
  }
  return Number.NaN;
}

function connect(port: number, certSha256: string): Promise<QuicTransport> {
  return connectQuic({
    host: '127.0.0.1',
    port,
    serverName: 'localhost',
    checkPin: (presented) => (presented === certSha256 ? 'accept' : 'reject'),
  });
}

/** Many handshakes at once time out on a busy machine, so connect a few at a time. */
async function connectInBatches(port: number, certSha256: string, count: number): Promise<QuicTransport[]> {
  const transports: QuicTransport[] = [];
  while (transports.length < count) {
    const batch = Math.min(CONNECT_BATCH, count - transports.length);
    transports.push(...(await Promise.all(Array.from({ length: batch }, () => connect(port, certSha256)))));
  }
  return transports;
}

/** SENDERS loops, each on its own connection, sending `frame` until RUN_MS is over; requests per second. */
async function throughput(port: number, certSha256: string, payload: Uint8Array): Promise<number> {
  const transports = await connectInBatches(port, certSha256, SENDERS);
  let completed = 0;
  const deadline = performance.now() + RUN_MS;
  const started = performance.now();
  await Promise.all(
    transports.map(async (transport) => {
      while (performance.now() < deadline) {
        await transport.request(payload);
        completed++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(transports.map((transport) => transport.close()));
  return completed / seconds;
}

/** The bare echo server, run in a child process like qpc-server so both get the same CPU. */
async function startEchoChild(): Promise<{ child: ChildProcess; port: number; certSha256: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    env: { ...process.env, [ECHO_CHILD_ENV]: makeDataDir() },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve) => {
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  const { port, certSha256 } = JSON.parse(line) as { port: number; certSha256: string };
  return { child, port, certSha256 };
}

async function runEchoChild(dataDir: string): Promise<void> {
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
    handler: {
      onStream: async (stream) => {
        const frame = await readOneFrame(stream.readable);
        const writer = stream.writable.getWriter();
        await writer.write(encodeFrame(frame));
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
  heading('qpc-server over QUIC (loopback, server in its own process)');
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
    const enqueue = encodeCall(
      Method.Enqueue,
      1,
      {
        recipientIdentityKeys: [recipient.identityPublicKey],
        payload: new Uint8Array(randomBytes(PAYLOAD_BYTES)),
      },
      setup.token,
    );
    await setup.close();
    const pid = server.child.pid ?? 0;
    const freshRss = vmRssMiB(pid);
    const freshMemory = memoryBreakdown(await server.metrics());

    const echo = await startEchoChild();
    const echoRss = vmRssMiB(echo.child.pid ?? 0);
    const echoRate = await throughput(echo.port, echo.certSha256, enqueue);
    echo.child.kill('SIGTERM');
    await server.metrics(); // starts the event-loop delay window at the run
    const serverRate = await throughput(server.port, server.certSha256, enqueue);
    const during = await server.metrics();
    figure(`Enqueue 1 KiB, ${SENDERS} concurrent senders`, serverRate, 'req/s', 'durable, SQLCipher WAL');
    figure(
      `bare @matrixai/quic echo, same frames and senders`,
      echoRate,
      'req/s',
      'no logic: the QUIC ceiling',
    );
    figure('qpc-server share of the echo ceiling', (100 * serverRate) / echoRate, '%');
    // Both figures are CPU-bound in JS (client and server on the same cores): say how busy the box was.
    figure('load average (1 min) during the run', loadavg()[0] ?? Number.NaN, '', 'cores shared');
    const delay = (stat: string): number =>
      1000 * metric(during, `qpc_event_loop_delay_seconds{stat="${stat}"}`);
    figure('server event-loop delay during the run, p50', delay('p50'), 'ms', 'monitorEventLoopDelay');
    figure('server event-loop delay during the run, p99', delay('p99'), 'ms');
    figure('server event-loop delay during the run, max', delay('max'), 'ms');
    const batches = metric(during, 'qpc_write_batch_size_count');
    figure(
      'writes per group commit (mean)',
      metric(during, 'qpc_write_batch_size_sum') / batches,
      '',
      `${batches} fsyncs`,
    );

    const idleRss = vmRssMiB(pid);
    figure(
      'server RSS, just started (no client)',
      freshRss,
      'MiB',
      `${freshMemory}; echo process: ${echoRss.toFixed(0)} MiB`,
    );
    figure('server RSS, idle after the run', idleRss, 'MiB', memoryBreakdown(await server.metrics()));
    const ping = encodeCall(Method.Ping, 1, {});
    for (const count of IDLE_CLIENT_COUNTS) {
      const before = vmRssMiB(pid);
      let clients: QuicTransport[];
      try {
        clients = await connectInBatches(server.port, server.certSha256, count);
      } catch (error) {
        // Handshakes time out on an overloaded machine: say so and go on with the other figures.
        figure(`server RSS, ${count} connected idle clients`, Number.NaN, 'MiB', (error as Error).message);
        continue;
      }
      await Promise.all(clients.map((client) => client.request(ping)));
      const loadedRss = vmRssMiB(pid);
      figure(
        `server RSS, ${count} connected idle clients`,
        loadedRss,
        'MiB',
        memoryBreakdown(await server.metrics()),
      );
      figure(`per connected client at ${count}`, ((loadedRss - before) * 1024) / count, 'KiB');
      await Promise.all(clients.map((client) => client.close()));
    }
  } finally {
    if (server !== undefined) await server.kill('SIGTERM');
    removeDataDir(dataDir);
  }
}

const echoDataDir = process.env[ECHO_CHILD_ENV];
if (echoDataDir !== undefined) await runEchoChild(echoDataDir);

export const section: BenchSection = { name: 'server', run };
