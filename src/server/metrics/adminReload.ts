import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../lib/logger.js';
import { bearerDigest } from '../auth/bearerToken.js';

/** What a reload answers: whether the certificates were replaced, and the one served now. */
export interface ReloadOutcome {
  reloaded: boolean;
  certSha256: string;
}

export interface AdminReloadOptions {
  /** QPC_ADMIN_TOKEN; undefined turns POST /reload off (403), so no unauthenticated reload exists. */
  token: string | undefined;
  /** The reload SIGHUP runs; undefined until QUIC listens (503: there is nothing to hand a pair to). */
  run: () => Promise<ReloadOutcome> | undefined;
}

const BEARER_PREFIX = /^Bearer (.+)$/;

/**
 * POST /reload: load the certificates again, as SIGHUP does (`rotate tls-cert|federation-cert`, or
 * files replaced by hand), for a server the operator cannot signal (another container, another user).
 * Needs `Authorization: Bearer <QPC_ADMIN_TOKEN>`, compared in constant time on SHA-256 digests so
 * neither the length nor the content of the token shows in the answer's timing.
 */
export function createReloadHandler(
  options: AdminReloadOptions,
  logger: Logger,
): (request: IncomingMessage, response: ServerResponse) => void {
  const expected = options.token === undefined ? undefined : bearerDigest(options.token);
  return (request, response) => {
    // The body carries nothing; read it off so the connection can be reused.
    request.resume();
    if (expected === undefined) {
      response
        .writeHead(403, { 'content-type': 'text/plain' })
        .end('POST /reload is off: set QPC_ADMIN_TOKEN (admin_token) to enable it\n');
      return;
    }
    if (!authorized(request.headers.authorization, expected)) {
      logger.warn({ event: 'admin_auth_failed', path: '/reload' }, 'admin request without a valid token');
      response
        .writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Bearer' })
        .end('a valid admin token is needed\n');
      return;
    }
    const running = options.run();
    if (running === undefined) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('not listening yet\n');
      return;
    }
    logger.info({ event: 'reload_requested', source: 'admin' }, 'certificate reload asked for');
    running.then(
      (outcome) =>
        response
          .writeHead(outcome.reloaded ? 200 : 500, { 'content-type': 'application/json' })
          .end(JSON.stringify(outcome)),
      (error: unknown) => {
        // reloadCertificates reports its own failures; this is a bug in between, logged and answered.
        logger.error({ event: 'reload_failed', err: (error as Error).name }, 'reload failed');
        response.writeHead(500).end();
      },
    );
  };
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const presented = BEARER_PREFIX.exec(header ?? '')?.[1];
  // Hash even when absent, so a missing token costs the same as a wrong one.
  const digest = bearerDigest(presented ?? '');
  const matches = timingSafeEqual(digest, expected);
  digest.fill(0);
  return presented !== undefined && matches;
}
