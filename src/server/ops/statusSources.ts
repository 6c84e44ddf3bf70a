import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { wipe } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import type { ServerConfig } from '../config/serverConfig.js';
import type { CertificateRole } from '../metrics/operationsMetrics.js';
import { certificateFingerprint, DEV_CERT_FILE } from '../tls/loadServerCertificate.js';
import { federationCertificatePaths } from '../tls/certificatePaths.js';
import {
  databasePath,
  existingDatabaseKey,
  openExistingDatabase,
  requireDatabase,
} from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { lastRotations } from './rotationLog.js';
import type { RunState } from './runState.js';
import {
  certificateStatus,
  databaseFigures,
  rotationStatus,
  serverVersion,
  type StatusReport,
} from './serverStatus.js';

/** Ask the running server's admin endpoint (loopback HTTP) for its status. */
export async function fetchRunningStatus(run: RunState): Promise<StatusReport> {
  const host = run.adminHost.includes(':') ? `[${run.adminHost}]` : run.adminHost;
  const url = `http://${host}:${run.adminPort}/status`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new OpsError(OpsErrorCode.StatusUnavailable, `${url}: the running server did not answer`, {
      hint: 'Check that qpc-server is healthy (GET /healthz on the admin address) and not overloaded.',
      cause: error,
    });
  }
  if (!response.ok) {
    throw new OpsError(OpsErrorCode.StatusUnavailable, `${url}: answered HTTP ${response.status}`);
  }
  return (await response.json()) as StatusReport;
}

function certificateFromFile(
  role: CertificateRole,
  path: string,
  now: number,
): StatusReport['certificates'][number] {
  const certificate = new X509Certificate(readFileSync(path));
  return certificateStatus(
    role,
    {
      notAfter: new Date(certificate.validTo),
      fingerprintSha256: certificateFingerprint(new Uint8Array(certificate.raw)),
    },
    now,
  );
}

/** The status of a stopped server, from its configuration and data directory (needs the database key). */
export function readStoppedStatus(config: ServerConfig, clock: Clock): StatusReport {
  const now = clock.now();
  const certificates: StatusReport['certificates'] = [];
  const tlsPath = config.certPath ?? join(config.dataDir, DEV_CERT_FILE);
  if (existsSync(tlsPath)) certificates.push(certificateFromFile('tls', tlsPath, now));
  const federation = federationCertificatePaths(config);
  if (federation !== undefined)
    certificates.push(certificateFromFile('federation', federation.certPath, now));
  requireDatabase(config.dataDir);
  const key = existingDatabaseKey(config);
  let figures: ReturnType<typeof databaseFigures>;
  try {
    const db = openExistingDatabase(databasePath(config.dataDir), key);
    try {
      figures = databaseFigures(db, now);
    } finally {
      db.close();
    }
  } finally {
    wipe(key);
  }
  return {
    version: serverVersion(),
    running: false,
    source: 'data-dir',
    sessions: { active: figures.activeSessions },
    queues: figures.queues,
    certificates,
    rotations: rotationStatus(lastRotations(config.dataDir)),
  };
}
