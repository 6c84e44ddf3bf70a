import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { startAdminServer, type AdminServer } from './adminServer.js';
import { ServerMetrics } from './serverMetrics.js';

let admin: AdminServer | undefined;
afterEach(async () => {
  await admin?.close();
  admin = undefined;
});

function url(server: AdminServer, path: string): string {
  return `http://127.0.0.1:${server.address.port}${path}`;
}

describe('ServerMetrics', () => {
  it('counts requests, latency, queue depth, messages, auth failures and rate limit hits', async () => {
    let depth = 4;
    const metrics = new ServerMetrics({ queueDepth: () => depth });
    metrics.connectionOpened();
    metrics.requestFinished('fetch_messages', 'ok', 0.002);
    metrics.requestFinished('fetch_messages', 'RATE_LIMITED_IP', 0.0001);
    metrics.messagesEnqueued(3);
    metrics.messagesDelivered(2);
    metrics.authFailure('invalid_credentials');
    metrics.rateLimitHit('ip');
    depth = 7;
    const text = await metrics.render();
    expect(text).toContain('qpc_connections_open 1');
    expect(text).toContain('qpc_requests_total{method="fetch_messages",result="ok"} 1');
    expect(text).toContain('qpc_requests_total{method="fetch_messages",result="RATE_LIMITED_IP"} 1');
    expect(text).toContain('qpc_request_duration_seconds_count{method="fetch_messages"} 2');
    expect(text).toContain('qpc_queue_depth 7');
    expect(text).toContain('qpc_messages_enqueued_total 3');
    expect(text).toContain('qpc_messages_delivered_total 2');
    expect(text).toContain('qpc_auth_failures_total{reason="invalid_credentials"} 1');
    expect(text).toContain('rate_limit_hit_total{scope="ip"} 1');
  });

  it('never turns free text into a label value', async () => {
    const metrics = new ServerMetrics();
    metrics.requestFinished('alice@example.org', 'ok', 0.001);
    const text = await metrics.render();
    expect(text).not.toContain('alice');
    expect(text).toContain('qpc_requests_total{method="other",result="ok"} 1');
  });

  it('keeps separate registries per instance', async () => {
    const a = new ServerMetrics();
    const b = new ServerMetrics();
    a.messagesEnqueued(5);
    expect(await b.render()).toContain('qpc_messages_enqueued_total 0');
  });
});

describe('startAdminServer', () => {
  it('serves /metrics and /healthz on loopback', async () => {
    const metrics = new ServerMetrics();
    metrics.rateLimitHit('account');
    let healthy = true;
    admin = await startAdminServer({
      listen: { host: '127.0.0.1', port: 0 },
      metrics,
      logger: silentLogger(),
      healthy: () => healthy,
    });
    expect(admin.address.host).toBe('127.0.0.1');
    const scraped = await fetch(url(admin, '/metrics'));
    expect(scraped.status).toBe(200);
    expect(scraped.headers.get('content-type')).toContain('text/plain');
    expect(await scraped.text()).toContain('rate_limit_hit_total{scope="account"} 1');

    expect((await fetch(url(admin, '/healthz'))).status).toBe(200);
    healthy = false;
    expect((await fetch(url(admin, '/healthz'))).status).toBe(503);
    expect((await fetch(url(admin, '/nope'))).status).toBe(404);
  });
});
