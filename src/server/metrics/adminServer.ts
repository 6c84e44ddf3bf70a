import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../lib/logger.js';
import type { HostPort } from '../config/parseConfigValues.js';
import { createReloadHandler, type AdminReloadOptions } from './adminReload.js';
import type { ServerMetrics } from './serverMetrics.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export interface AdminServer {
  /** The bound address (port resolved when 0 was asked for). */
  address: HostPort;
  close(): Promise<void>;
}

/**
 * Plain HTTP on loopback for operators: GET /metrics (Prometheus), GET /healthz (the process and its
 * database answer: restart it if not), GET /readyz (it accepts clients: send traffic only if so) and
 * GET /status (JSON for `qpc-server status`: counts and dates, nothing secret), and POST /reload (the
 * certificates again, as SIGHUP; only with the admin token, adminReload.ts). No TLS, so it warns when
 * bound elsewhere; put a proxy in front if it must be reachable remotely.
 */
export async function startAdminServer(options: {
  listen: HostPort;
  metrics: ServerMetrics;
  logger: Logger;
  /** Extra readiness check for /healthz (e.g. the database answers); false gives 503. */
  healthy?: () => boolean;
  /** Readiness for /readyz: QUIC listens and no shutdown has begun; false gives 503. */
  ready?: () => boolean;
  /** The JSON body of /status; 404 when absent. */
  status?: () => unknown;
  /** POST /reload; 404 when absent. */
  reload?: AdminReloadOptions;
}): Promise<AdminServer> {
  const { metrics, logger } = options;
  if (!LOOPBACK.has(options.listen.host)) {
    logger.warn({ event: 'admin_not_loopback' }, 'the admin server (metrics) listens beyond loopback');
  }
  const reload = options.reload === undefined ? undefined : createReloadHandler(options.reload, logger);
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/reload' && reload !== undefined) {
      if (request.method === 'POST') reload(request, response);
      else response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      metrics.render().then(
        (body) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body),
        (error: unknown) => {
          logger.error({ event: 'metrics_render_failed', err: error }, 'metrics rendering failed');
          response.writeHead(500).end();
        },
      );
      return;
    }
    if (path === '/healthz' || path === '/readyz') {
      const healthy = options.healthy?.() ?? true;
      const ok = path === '/healthz' ? healthy : healthy && (options.ready?.() ?? true);
      const word = path === '/healthz' ? 'unhealthy' : 'not ready';
      response.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' }).end(ok ? 'ok\n' : `${word}\n`);
      return;
    }
    if (path === '/status' && options.status !== undefined) {
      let body: string;
      try {
        body = JSON.stringify(options.status());
      } catch (error) {
        logger.error({ event: 'status_failed', err: error }, 'the status could not be collected');
        response.writeHead(500).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}
