import { packageVersion } from '../../lib/packageVersion.js';
import { ROTATION_MATERIALS, type CertificateRole } from '../metrics/operationsMetrics.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';

/** What `qpc-server status` prints, from the admin endpoint (`GET /status`) or from the data directory. */
export interface StatusReport {
  version: string;
  running: boolean;
  /** Where the figures come from: the running server, or the files of a stopped one. */
  source: 'admin' | 'data-dir';
  startedAt?: string;
  uptimeSeconds?: number;
  ready?: boolean;
  sessions: { online?: number; active: number };
  queues: { messages: number; recipients: number; deepest: number };
  certificates: { role: CertificateRole; notAfter: string; daysLeft: number; sha256: string }[];
  rotations: { material: string; at: string | undefined }[];
}

export function serverVersion(): string {
  return packageVersion(import.meta.url);
}

/** Unexpired sessions and queue figures; counts only, never a recipient. */
export function databaseFigures(
  db: ServerDatabase,
  now: number,
): Pick<StatusReport, 'queues'> & { activeSessions: number } {
  const queue = db
    .prepare<[number], { messages: number; recipients: number }>(
      'SELECT count(*) AS messages, count(DISTINCT recipient) AS recipients FROM queue WHERE expires_at > ?',
    )
    .get(now);
  const deepest = db
    .prepare<[number], { n: number | null }>(
      'SELECT max(c) AS n FROM (SELECT count(*) AS c FROM queue WHERE expires_at > ? GROUP BY recipient)',
    )
    .get(now);
  const sessions = db
    .prepare<[number], { n: number }>('SELECT count(*) AS n FROM sessions WHERE expires_at > ?')
    .get(now);
  return {
    queues: {
      messages: queue?.messages ?? 0,
      recipients: queue?.recipients ?? 0,
      deepest: deepest?.n ?? 0,
    },
    activeSessions: sessions?.n ?? 0,
  };
}

export function certificateStatus(
  role: CertificateRole,
  certificate: { notAfter: Date; fingerprintSha256: string },
  now: number,
): StatusReport['certificates'][number] {
  return {
    role,
    notAfter: certificate.notAfter.toISOString(),
    daysLeft: Math.floor((certificate.notAfter.getTime() - now) / 86_400_000),
    sha256: certificate.fingerprintSha256,
  };
}

export function rotationStatus(last: Map<string, number>): StatusReport['rotations'] {
  return ROTATION_MATERIALS.map((material) => {
    const at = last.get(material);
    return { material, at: at === undefined ? undefined : new Date(at).toISOString() };
  });
}

function duration(seconds: number): string {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  return `${minutes}m ${Math.floor(seconds % 60)}s`;
}

/** The human-readable form, one fact per line. */
export function formatStatus(report: StatusReport): string {
  const lines = [`qpc-server ${report.version}`];
  if (report.running) {
    lines.push(
      `state:         running since ${report.startedAt ?? '?'} (up ${duration(report.uptimeSeconds ?? 0)})` +
        `${report.ready === false ? ', not ready' : ''}`,
    );
  } else {
    lines.push('state:         stopped (figures read from the data directory)');
  }
  const online = report.sessions.online === undefined ? '' : `${report.sessions.online} online, `;
  lines.push(`sessions:      ${online}${report.sessions.active} unexpired`);
  lines.push(
    `queues:        ${report.queues.messages} messages for ${report.queues.recipients} recipients` +
      ` (deepest ${report.queues.deepest})`,
  );
  for (const cert of report.certificates) {
    const when = cert.daysLeft < 0 ? 'EXPIRED' : `${cert.daysLeft} days left`;
    lines.push(`${`${cert.role} cert:`.padEnd(15)}expires ${cert.notAfter} (${when}), sha256 ${cert.sha256}`);
  }
  for (const rotation of report.rotations) {
    lines.push(`${`rotated ${rotation.material}:`.padEnd(25)}${rotation.at ?? 'never'}`);
  }
  return lines.join('\n');
}
