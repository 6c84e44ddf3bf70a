import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/logger.js';
import { DeliveryLedger } from './app/deliveryLedger.js';
import { HybridKeyStore } from './app/hybridKeyStore.js';
import { SealedAccessStore } from './app/sealedAccessStore.js';
import { RequestRouter } from './app/requestRouter.js';
import { SessionRegistry } from './app/sessionRegistry.js';
import { createStreamHandler } from './app/streamHandler.js';
import type { ServerConfig } from './config/serverConfig.js';
import { startAdminServer, type AdminServer } from './metrics/adminServer.js';
import { ServerOperations } from './ops/serverOperations.js';
import { createServerFoundation, type ServerFoundation } from './serverFoundation.js';
import type { RandomBytes, Sleep } from './serverDeps.js';
import { startQuicListener } from './transport/quicListener.js';
import { reloadCertificates } from './tls/tlsReload.js';

/** QUIC idle timeout: a client that vanished is noticed after this (QUIC's default, 0, never gives up on a peer). */
export const SERVER_IDLE_TIMEOUT_MS = 30_000;
/** How long a shutdown waits for requests in flight before closing anyway. */
export const DRAIN_TIMEOUT_MS = 10_000;
const PRUNE_INTERVAL_MS = 60_000;

export interface QpcServerDeps {
  clock: Clock;
  randomBytes: RandomBytes;
  sleep: Sleep;
  logger: Logger;
}

export interface RunningQpcServer {
  /** Bound QUIC port (resolved when the config asked for 0). */
  port: number;
  host: string;
  /** Bound admin HTTP port (/metrics, /healthz, /readyz, /status). */
  adminPort: number;
  /** SHA-256 of the certificate DER, lower-case hex: what clients pin. */
  certSha256: string;
  foundation: ServerFoundation;
  /** Load the certificates again (SIGHUP, after a rotation) for new connections; open ones stay. */
  reloadCertificates(): Promise<boolean>;
  /** Graceful stop: refuse new requests, drain those in flight, end sessions, close QUIC, admin and the database. */
  stop(): Promise<void>;
}

/**
 * Start qpc-server: the services (createServerFoundation), the wire on top of them, QUIC and the admin
 * HTTP server. Logs one `listening` line with port, adminPort and certSha256 once both listen.
 */
export async function startQpcServer(config: ServerConfig, deps: QpcServerDeps): Promise<RunningQpcServer> {
  const { logger } = deps;
  const foundation = await createServerFoundation(config, deps);
  let admin: AdminServer | undefined;
  try {
    const online = new SessionRegistry({ logger, now: () => deps.clock.now() });
    const ledger = new DeliveryLedger(foundation.db, {
      clock: deps.clock,
      queues: foundation.queues,
      commits: foundation.commits,
      directory: foundation.directory,
      proofs: foundation.proofs,
      sealedShare: Math.max(1, Math.floor((config.queueCap * config.sealedQueueSharePercent) / 100)),
    });
    const services = {
      foundation,
      ledger,
      hybridKeys: new HybridKeyStore(foundation.db),
      sealedAccess: new SealedAccessStore(foundation.db),
      online,
      clock: deps.clock,
      logger,
    };
    const router = new RequestRouter(services);
    const handler = createStreamHandler({ router, online, metrics: foundation.metrics, logger });
    const operations = new ServerOperations({
      foundation,
      sessionsOnline: () => online.size,
      clock: deps.clock,
      logger,
    });
    // One reload for SIGHUP and POST /reload; set once QUIC listens (it needs the listener).
    const reloader: { reload?: () => Promise<boolean> } = {};
    admin = await startAdminServer({
      listen: config.adminListen,
      metrics: foundation.metrics,
      logger,
      healthy: () => operations.healthy(),
      ready: () => operations.isReady(),
      status: () => operations.status(),
      reload: {
        token: config.adminToken,
        run: () =>
          reloader
            .reload?.()
            .then((reloaded) => ({ reloaded, certSha256: foundation.certificate.fingerprintSha256 })),
      },
    });
    const quic = await startQuicListener({
      host: config.listen.host,
      port: config.listen.port,
      certPem: foundation.certificate.certPem,
      keyPem: foundation.certificate.keyPem,
      maxIdleTimeoutMs: SERVER_IDLE_TIMEOUT_MS,
      handler,
      logger,
      limits: {
        connectionsPerIp: config.connectionsPerIp,
        handshakesPerIp: config.handshakesPerIp,
        streamsPerIp: config.streamsPerIp,
        streamsPerConnection: config.streamsPerConnection,
      },
      onRefused: (kind, host) => {
        foundation.metrics.transportRefused(kind);
        if (kind !== 'shut_out') foundation.rateLimits.noteRefused(host);
      },
    });
    const reloadNow = (): Promise<boolean> =>
      reloadCertificates({
        target: foundation,
        replaceCertificate: (certPem, keyPem) => quic.replaceCertificate(certPem, keyPem),
        metrics: foundation.metrics.operations,
        clock: deps.clock,
        logger,
      });
    reloader.reload = reloadNow;
    foundation.rateLimits.onShutOut((ip, penaltyMs) => quic.shutOut(ip, penaltyMs));
    const pruneTimer = setInterval(() => {
      try {
        const pruned = { ...foundation.prune(), receipts: ledger.pruneReceipts() };
        logger.debug({ event: 'pruned', ...pruned }, 'expired data removed');
      } catch (error) {
        foundation.storage.noteFailure(error); // a full disk found by pruning counts like any other
        logger.warn({ event: 'prune_failed', err: (error as Error).name }, 'pruning failed');
      }
    }, PRUNE_INTERVAL_MS);
    pruneTimer.unref();

    const adminServer = admin;
    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        clearInterval(pruneTimer);
        operations.stopping();
        router.stopAccepting();
        const drained = await Promise.race([
          handler.idle().then(() => true),
          deps.sleep(DRAIN_TIMEOUT_MS).then(() => false),
        ]);
        await online.endAll();
        // Stopping for good: a listener that fails to close goes with the process, and the next step
        // (closing the database) must run whatever happened here.
        await quic.stop({ force: true }).catch(() => undefined);
        await adminServer.close().catch(() => undefined);
        foundation.close();
        operations.stopped();
        logger.info({ event: 'stopped', drained }, 'qpc-server stopped');
      })();
      return stopping;
    };

    operations.listening(adminServer.address);
    logger.info(
      {
        event: 'listening',
        host: quic.host,
        port: quic.port,
        adminPort: adminServer.address.port,
        certSha256: foundation.certificate.fingerprintSha256,
      },
      'listening',
    );
    return {
      port: quic.port,
      host: quic.host,
      adminPort: adminServer.address.port,
      certSha256: foundation.certificate.fingerprintSha256,
      foundation,
      reloadCertificates: reloadNow,
      stop,
    };
  } catch (error) {
    // The start failed: `error` is what the operator needs; a failing close of the admin port adds nothing.
    await admin?.close().catch(() => undefined);
    foundation.close();
    throw error;
  }
}
