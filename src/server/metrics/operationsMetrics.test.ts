import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { startAdminServer, type AdminServer } from './adminServer.js';
import { ServerMetrics } from './serverMetrics.js';

let admin: AdminServer | undefined;
afterEach(async () => {
  await admin?.close();
  admin = undefined;
});

describe('operations metrics', () => {
  it('export certificate expiry, the last successful login, delivery failures, rotations and sessions online', async () => {
    let now = 1_800_000_000_000;
    let online = 0;
    const metrics = new ServerMetrics({ now: () => now });
    metrics.operations.observeSessionsOnline(() => online);
    metrics.operations.certificateExpires('tls', new Date('2027-01-01T00:00:00Z'));
    metrics.operations.certificateExpires('federation', new Date('2026-12-31T00:00:00Z'));
    let text = await metrics.render();
    expect(text).toContain('qpc_tls_cert_expiry_timestamp_seconds{certificate="tls"} 1798761600');
    expect(text).toContain('qpc_tls_cert_expiry_timestamp_seconds{certificate="federation"} 1798675200');
    // Until the first login, the last-login time is the start time.
    expect(text).toContain('qpc_last_login_success_timestamp_seconds 1800000000');
    expect(text).toContain('qpc_start_time_seconds 1800000000');

    now += 60_000;
    metrics.requestFinished('LoginFinish', 'AUTH_FAILED', 0.3);
    metrics.requestFinished('Enqueue', 'ok', 0.001);
    metrics.requestFinished('Enqueue', 'QUEUE_FULL', 0.001);
    metrics.requestFinished('SealedSend', 'QUEUE_FULL', 0.001);
    metrics.requestFinished('FetchQueue', 'RATE_LIMITED', 0.001);
    online = 3;
    text = await metrics.render();
    expect(text).toContain('qpc_last_login_success_timestamp_seconds 1800000000');
    expect(text).toContain('qpc_delivery_failures_total{reason="QUEUE_FULL"} 2');
    expect(text).not.toContain('qpc_delivery_failures_total{reason="RATE_LIMITED"}');
    expect(text).toContain('qpc_sessions_online 3');

    metrics.requestFinished('LoginFinish', 'ok', 0.3);
    metrics.operations.keyRotatedAt('tls-cert', now);
    text = await metrics.render();
    expect(text).toContain('qpc_last_login_success_timestamp_seconds 1800000060');
    expect(text).toContain('qpc_key_rotated_timestamp_seconds{material="tls-cert"} 1800000060');
  });
});

describe('admin health endpoints', () => {
  it('/healthz follows the database, /readyz also readiness, /status serves the JSON report', async () => {
    let healthy = true;
    let ready = false;
    admin = await startAdminServer({
      listen: { host: '127.0.0.1', port: 0 },
      metrics: new ServerMetrics(),
      logger: silentLogger(),
      healthy: () => healthy,
      ready: () => ready,
      status: () => ({ version: '1.2.3', ready }),
    });
    const get = async (path: string): Promise<[number, string]> => {
      const response = await fetch(`http://127.0.0.1:${admin?.address.port}${path}`);
      return [response.status, await response.text()];
    };
    expect(await get('/healthz')).toEqual([200, 'ok\n']);
    expect(await get('/readyz')).toEqual([503, 'not ready\n']);
    ready = true;
    expect(await get('/readyz')).toEqual([200, 'ok\n']);
    expect(JSON.parse((await get('/status'))[1])).toEqual({ version: '1.2.3', ready: true });
    healthy = false;
    expect((await get('/healthz'))[0]).toBe(503);
    expect((await get('/readyz'))[0]).toBe(503);
  });
});
