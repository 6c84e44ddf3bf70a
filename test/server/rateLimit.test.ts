/** Rate limits over real QUIC: the per-IP limit answers RATE_LIMITED and is counted. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Method, WireErrorCode } from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { WireClient } from './wireClient.js';

const PER_IP = 5;
let server: ServerProcess;
let client: WireClient;

beforeAll(async () => {
  server = await startServerProcess(makeDataDir(), ['--rate-limit-per-ip', String(PER_IP)]);
  client = await WireClient.connect(server.port, server.certSha256);
});

afterAll(async () => {
  await client.close();
  await server.kill('SIGTERM');
  removeDataDir(server.dataDir);
});

function hitCount(metrics: string): number {
  const match = /rate_limit_hit_total\{scope="ip"\} (\d+)/.exec(metrics);
  return match === null ? 0 : Number(match[1]);
}

describe('per-IP rate limit', () => {
  it('answers RATE_LIMITED with retry_after_ms past the limit and counts it in rate_limit_hit_total', async () => {
    expect(hitCount(await server.metrics())).toBe(0);
    // Twice the limit at once: within one window, at most PER_IP pass.
    const results = await Promise.all(Array.from({ length: PER_IP * 2 }, () => client.call(Method.Ping, {})));
    const limited = results.filter((result) => !result.ok);
    expect(results.length - limited.length).toBeLessThanOrEqual(PER_IP);
    expect(limited.length).toBeGreaterThanOrEqual(PER_IP);
    for (const result of limited) {
      if (result.ok) continue;
      expect(result.error.code).toBe(WireErrorCode.RateLimited);
      expect(result.error.retryAfterMs).toBeGreaterThan(0);
      expect(result.error.retryAfterMs).toBeLessThanOrEqual(1000);
    }
    expect(hitCount(await server.metrics())).toBe(limited.length);
    // Refused before the request was read, so the method is not known: recorded as "unknown".
    expect(await server.metrics()).toMatch(
      new RegExp(`qpc_requests_total\\{method="unknown",result="RATE_LIMITED"\\} ${limited.length}`),
    );
    for (const result of limited) expect(!result.ok && result.requestId).toBe(0);

    // A client that waits as told gets through again.
    const wait = Math.max(...limited.map((result) => (result.ok ? 0 : result.error.retryAfterMs)));
    await new Promise((resolve) => setTimeout(resolve, wait + 50));
    expect((await client.call(Method.Ping, {})).ok).toBe(true);
  });
});
