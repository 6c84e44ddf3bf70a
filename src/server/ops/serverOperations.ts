import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { ServerFoundation } from '../serverFoundation.js';
import { lastRotations } from './rotationLog.js';
import { removeRunState, writeRunState } from './runState.js';
import {
  certificateStatus,
  databaseFigures,
  rotationStatus,
  serverVersion,
  type StatusReport,
} from './serverStatus.js';

/**
 * The operator-facing side of a running server: readiness, the /status report, the run-state file that
 * lets `qpc-server status` find the admin endpoint and `restore` refuse, and the rotation metric.
 */
export class ServerOperations {
  private readonly startedAt: number;
  private readonly version = serverVersion();
  private ready = false;
  private admin: { host: string; port: number } | undefined;

  constructor(
    private readonly deps: {
      foundation: ServerFoundation;
      sessionsOnline: () => number;
      clock: Clock;
      logger: Logger;
    },
  ) {
    this.startedAt = deps.clock.now();
    const { foundation } = deps;
    foundation.metrics.operations.observeSessionsOnline(deps.sessionsOnline);
    const { dataDir } = foundation.config;
    foundation.metrics.operations.observeRotations(() => lastRotations(dataDir));
  }

  /** The database answers a query: what /healthz reports. */
  healthy(): boolean {
    try {
      this.deps.foundation.db.prepare('SELECT 1').get();
      return true;
    } catch {
      // A closed or broken database is exactly what /healthz exists to report, as 503.
      return false;
    }
  }

  isReady(): boolean {
    return this.ready;
  }

  /** QUIC and the admin server listen: record where, and start answering ready. */
  listening(admin: { host: string; port: number }): void {
    this.admin = admin;
    this.ready = true;
    writeRunState(this.deps.foundation.config.dataDir, {
      pid: process.pid,
      startedAt: new Date(this.startedAt).toISOString(),
      version: this.version,
      adminHost: admin.host,
      adminPort: admin.port,
    });
  }

  /** A shutdown began: stop answering ready so a load balancer moves traffic away. */
  stopping(): void {
    this.ready = false;
  }

  /** The database is closed: the data directory is free for restore and db-key rotation. */
  stopped(): void {
    if (this.admin === undefined) return;
    try {
      removeRunState(this.deps.foundation.config.dataDir, process.pid);
    } catch (error) {
      // A leftover file names a dead process and is ignored by status and restore; say so and go on.
      this.deps.logger.warn({ event: 'run_state_not_removed', err: error }, 'the run-state file stays');
    }
  }

  status(): StatusReport {
    const { foundation, clock } = this.deps;
    const now = clock.now();
    const figures = databaseFigures(foundation.db, now);
    const certificates = [certificateStatus('tls', foundation.certificate, now)];
    if (foundation.federationCertificate !== undefined) {
      certificates.push(certificateStatus('federation', foundation.federationCertificate, now));
    }
    return {
      version: this.version,
      running: true,
      source: 'admin',
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeSeconds: Math.floor((now - this.startedAt) / 1000),
      ready: this.ready,
      sessions: { online: this.deps.sessionsOnline(), active: figures.activeSessions },
      queues: figures.queues,
      certificates,
      rotations: rotationStatus(lastRotations(foundation.config.dataDir)),
    };
  }
}
