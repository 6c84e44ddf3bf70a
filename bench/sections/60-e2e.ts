/**
 * End-to-end latency: a message sent on engine A, through qpc-server (its own process, real QUIC on
 * loopback, durable enqueue, push), decrypted and stored on engine B. Sequential, one message in flight,
 * so each sample is a full trip. Both engines share this process's event loop, as two clients on one
 * machine would share its cores.
 */
import { figure, heading, percentile, type BenchSection } from '../report.js';
import { isJoined, registeredClient, removeDir, startServer, tempDir } from '../../test/e2e/harness.js';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';

const MESSAGES = Number(process.env.QPC_BENCH_E2E_MESSAGES ?? 1000);
const WARMUP = 20;

export const section: BenchSection = {
  name: 'e2e',
  async run() {
    heading(`End-to-end latency over QUIC through qpc-server (${MESSAGES} messages)`);
    const dirs = [tempDir('bench-server'), tempDir('bench-a'), tempDir('bench-b')];
    const [serverDir = '', aDir = '', bDir = ''] = dirs;
    // Latency, not the rate limiter: lift the per-IP limit (every client here shares 127.0.0.1).
    const server = await startServer(serverDir, 0, [
      '--rate-limit-per-ip',
      '100000',
      '--rate-limit-per-account',
      '100000',
    ]);
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
      const samples: number[] = [];
      for (let i = 0; i < WARMUP + MESSAGES; i += 1) {
        expect = `m${i}`;
        const received = new Promise<void>((resolve) => (arrived = resolve));
        const start = performance.now();
        await a.engine.send(groupId, expect);
        await received;
        if (i >= WARMUP) samples.push(performance.now() - start);
      }
      samples.sort((x, y) => x - y);
      figure('send on A -> decrypted on B, p50', percentile(samples, 50), 'ms');
      figure('send on A -> decrypted on B, p99', percentile(samples, 99), 'ms');
      figure('send on A -> decrypted on B, max', samples.at(-1) ?? Number.NaN, 'ms');
      const seconds = samples.reduce((sum, value) => sum + value, 0) / 1000;
      figure('sequential messages per second', samples.length / seconds, 'msg/s', 'one in flight');
    } finally {
      await a.close();
      await b.close();
      await server.kill('SIGTERM');
      for (const dir of dirs) removeDir(dir);
    }
  },
};
