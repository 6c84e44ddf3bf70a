import type { Clock } from '../lib/clock.js';
import { wipe } from '../lib/bytes.js';
import type { Logger } from '../lib/logger.js';
import { BearerTokenVerifier } from './auth/bearerToken.js';
import { publishedSigningKeys, type PublishedSigningKey } from './ops/signingKeys.js';
import { createOpaqueServerSetup, OpaqueAuthService, opaqueReady } from './auth/opaqueAuthService.js';
import { SessionStore } from './auth/sessionStore.js';
import { currentOpaqueGeneration } from './auth/opaqueSetupGeneration.js';
import type { ServerConfig } from './config/serverConfig.js';
import { CommitOrdering } from './delivery/commitOrdering.js';
import { certificateServerName, DeliveryProofs } from './delivery/deliveryProofs.js';
import { DeliveryQueues } from './delivery/deliveryQueues.js';
import { UserDirectory } from './directory/userDirectory.js';
import { KeyPackageDirectory } from './keyPackages/keyPackageDirectory.js';
import { ServerMetrics } from './metrics/serverMetrics.js';
import { RequestRateLimits } from './rateLimit/requestRateLimits.js';
import type { RandomBytes, Sleep } from './serverDeps.js';
import { resolveDatabaseKey } from './storage/databaseKey.js';
import {
  openServerDatabase,
  SERVER_DATABASE_FILE,
  type ServerDatabase,
} from './storage/openServerDatabase.js';
import { loadOrCreateServerState } from './storage/serverState.js';
import { StorageHealth } from './storage/storageHealth.js';
import {
  loadServerCertificate,
  prepareServerCertificate,
  type ServerCertificate,
} from './tls/loadServerCertificate.js';
import { join } from 'node:path';
import type { CertificateAnnouncement } from '../protocol/index.js';
import { readCertificateAnnouncements } from './tls/certificateAnnouncements.js';
import { federationCertificatePaths } from './tls/certificatePaths.js';
import { GroupCommit } from './storage/groupCommit.js';

/** Everything the transport needs, built from a validated config. */
export interface ServerFoundation {
  config: ServerConfig;
  certificate: ServerCertificate;
  /** The server-to-server certificate, when one is configured (checked like the TLS one). */
  federationCertificate: ServerCertificate | undefined;
  /** Signed TLS certificate changes, newest first, published in Ping for clients that pinned an old one. */
  certificateAnnouncements: CertificateAnnouncement[];
  db: ServerDatabase;
  /** 32-byte seed of the server signing key (from server_state). */
  signingKeySeed: Uint8Array;
  /** Published in Ping: the current signing key and every retired one. */
  signingKeys: PublishedSigningKey[];
  directory: UserDirectory;
  sessions: SessionStore;
  auth: OpaqueAuthService;
  bearer: BearerTokenVerifier;
  keyPackages: KeyPackageDirectory;
  queues: DeliveryQueues;
  /** Signs the delivery proof of every copy an Enqueue stores, with the current signing key. */
  proofs: DeliveryProofs;
  commits: CommitOrdering;
  /** Group commit: message writes arriving in one loop turn share one transaction and one fsync. */
  writes: GroupCommit;
  rateLimits: RequestRateLimits;
  metrics: ServerMetrics;
  /** Full-disk and database-failure state: what the router refuses early and how it answers. */
  storage: StorageHealth;
  /** Delete expired sessions, messages, KeyPackages and old epochs; returns the counts. */
  prune(): { sessions: number; messages: number; keyPackages: number; epochs: number };
  /** Run prune() every `intervalMs` (unref'd timer); close() stops it. Returns a function that stops it. */
  startPruning(intervalMs?: number): () => void;
  /** Stop pruning and close the database (wipes the in-memory signing seed). */
  close(): void;
}

export interface FoundationDeps {
  clock: Clock;
  randomBytes: RandomBytes;
  sleep: Sleep;
  logger: Logger;
}

/**
 * Build the server's services in dependency order: certificate (TLS errors first, exit code 2), database
 * key, database, server state, then the services with their metrics hooks. No sockets are opened.
 */
export async function createServerFoundation(
  config: ServerConfig,
  deps: FoundationDeps,
): Promise<ServerFoundation> {
  const { clock, randomBytes, sleep, logger } = deps;
  const certificate = await prepareServerCertificate({
    certPath: config.certPath,
    keyPath: config.keyPath,
    dataDir: config.dataDir,
    clock,
    logger,
  });
  const federationPaths = federationCertificatePaths(config);
  const federationCertificate =
    federationPaths !== undefined
      ? loadServerCertificate(
          federationPaths.certPath,
          federationPaths.keyPath,
          clock,
          logger,
          'configured',
          'federation',
        )
      : undefined;
  const dbKey = resolveDatabaseKey({ ...config, randomBytes });
  let db: ServerDatabase;
  try {
    db = openServerDatabase(join(config.dataDir, SERVER_DATABASE_FILE), dbKey.key);
  } finally {
    wipe(dbKey.key);
  }
  await opaqueReady;
  const state = loadOrCreateServerState(db, { createOpaqueSetup: createOpaqueServerSetup, randomBytes });

  const directory = new UserDirectory(db);
  const sessions = new SessionStore(db, {
    clock,
    randomBytes,
    sessionTtlMs: config.sessionTtlMs,
    maxSessionsPerAccount: config.sessionsPerAccount,
  });
  const queues: DeliveryQueues = new DeliveryQueues(db, {
    clock,
    messageMaxBytes: config.messageMaxBytes,
    queueCap: config.queueCap,
    messageTtlMs: config.messageTtlMs,
    onEnqueued: (count) => metrics.messagesEnqueued(count),
    onDelivered: (count) => metrics.messagesDelivered(count),
  });
  const metrics = new ServerMetrics({ queueDepth: () => queues.totalDepth(), now: () => clock.now() });
  const storage = new StorageHealth({
    dataDir: config.dataDir,
    clock,
    logger,
    events: {
      onFailure: (kind) => metrics.storageFailure(kind),
      onExhaustedChange: (exhausted) => metrics.storageExhausted(exhausted),
    },
  });
  storage.start();
  metrics.operations.certificateExpires('tls', certificate.notAfter);
  if (federationCertificate !== undefined) {
    metrics.operations.certificateExpires('federation', federationCertificate.notAfter);
  }
  const auth = new OpaqueAuthService({
    directory,
    sessions,
    serverSetup: state.opaqueSetup,
    setupGeneration: currentOpaqueGeneration(db),
    clock,
    randomBytes,
    sleep,
    logger,
    maxPendingLoginsPerSource: config.pendingLoginsPerIp,
    onAuthFailure: (reason) => metrics.authFailure(reason),
  });
  const keyPackages = new KeyPackageDirectory(db, { clock });
  const commits = new CommitOrdering(db, { clock });
  const rateLimits = new RequestRateLimits({
    perIpPerSecond: config.rateLimitPerIpPerSecond,
    perAccountPerSecond: config.rateLimitPerAccountPerSecond,
    clock,
    onLimited: (scope) => metrics.rateLimitHit(scope),
  });
  logger.info(
    {
      event: 'server_foundation_ready',
      production: config.production,
      certificate: certificate.source,
      dbKey: dbKey.source,
    },
    'storage, auth and delivery are ready',
  );
  let pruneTimer: NodeJS.Timeout | undefined;
  const prune = (): ReturnType<ServerFoundation['prune']> => {
    rateLimits.prune();
    return {
      sessions: sessions.pruneExpired(),
      messages: queues.pruneExpired(),
      keyPackages: keyPackages.pruneExpired(),
      epochs: commits.prune(config.messageTtlMs),
    };
  };
  const stopPruning = (): void => {
    if (pruneTimer !== undefined) clearInterval(pruneTimer);
    pruneTimer = undefined;
  };
  const bearer = new BearerTokenVerifier(config.authToken, { dataDir: config.dataDir, clock });
  if (bearer.configuredTokenRetired()) {
    logger.warn(
      { event: 'auth_token_retired' },
      'QPC_AUTH_TOKEN holds a token that a rotation retired and whose grace period is over: it is refused; set it to the current token',
    );
  }
  const signingKeys = publishedSigningKeys(db, state.signingKeySeed);
  const proofs = new DeliveryProofs(db, {
    serverName: certificateServerName(certificate.certDer),
    signingKeySeed: state.signingKeySeed,
    keyId: signingKeys[0]?.keyId ?? new Uint8Array(),
  });
  return {
    config,
    certificate,
    federationCertificate,
    certificateAnnouncements: readCertificateAnnouncements(db),
    db,
    signingKeySeed: state.signingKeySeed,
    signingKeys,
    proofs,
    directory,
    sessions,
    auth,
    bearer,
    keyPackages,
    queues,
    commits,
    writes: new GroupCommit(db, { onBatch: (size, ms) => metrics.writeBatch(size, ms) }),
    rateLimits,
    metrics,
    storage,
    prune,
    startPruning: (intervalMs = 60_000) => {
      stopPruning();
      pruneTimer = setInterval(() => {
        try {
          const pruned = prune();
          logger.debug({ event: 'pruned', ...pruned }, 'expired records deleted');
        } catch (error) {
          logger.error({ event: 'prune_failed', err: error }, 'pruning failed');
        }
      }, intervalMs);
      pruneTimer.unref();
      return stopPruning;
    },
    close: () => {
      stopPruning();
      wipe(state.signingKeySeed);
      db.close();
    },
  };
}
