import { Counter, Gauge, type Registry } from 'prom-client';

/** Certificates whose expiry is exported: the QUIC server's, and the server-to-server one when configured. */
export type CertificateRole = 'tls' | 'federation';

/** Key material a rotation replaces; the label values of qpc_key_rotated_timestamp_seconds. */
export const ROTATION_MATERIALS = [
  'auth-token',
  'tls-cert',
  'federation-cert',
  'db-key',
  'opaque-setup',
  'signing-key',
] as const;
export type RotationMaterial = (typeof ROTATION_MATERIALS)[number];

/** Requests whose failure means a message was not accepted for delivery. */
const DELIVERY_METHODS = new Set(['Enqueue', 'SealedSend']);
const LOGIN_METHOD = 'LoginFinish';

/**
 * The metrics operators alert on (deploy/prometheus/alerts.yml): certificate expiry, the last successful
 * login, refused deliveries, key rotations, process start and sessions online. They live in the server's
 * registry beside the request metrics; the alert rules and the dashboard use nothing else.
 */
export class OperationsMetrics {
  private readonly certificateExpiry: Gauge<'certificate'>;
  private readonly lastLogin: Gauge;
  private readonly deliveryFailures: Counter<'reason'>;
  private readonly keyRotated: Gauge<'material'>;
  private sessionsOnline: () => number = () => 0;
  private rotations: () => ReadonlyMap<RotationMaterial, number> = () => new Map();

  constructor(
    registry: Registry,
    private readonly now: () => number,
  ) {
    const registers = [registry];
    this.certificateExpiry = new Gauge({
      name: 'qpc_tls_cert_expiry_timestamp_seconds',
      help: 'When the certificate stops being valid (notAfter), Unix seconds, by certificate (tls, federation)',
      labelNames: ['certificate'],
      registers,
    });
    this.lastLogin = new Gauge({
      name: 'qpc_last_login_success_timestamp_seconds',
      help: 'Time of the last successful login, Unix seconds (the process start until the first one)',
      registers,
    });
    // Starting at the process start lets "no login for N minutes" mean N minutes of uptime without one.
    this.lastLogin.set(now() / 1000);
    this.deliveryFailures = new Counter({
      name: 'qpc_delivery_failures_total',
      help: 'Enqueue and SealedSend requests refused, by error code',
      labelNames: ['reason'],
      registers,
    });
    const rotations = (): ReadonlyMap<RotationMaterial, number> => this.rotations();
    this.keyRotated = new Gauge({
      name: 'qpc_key_rotated_timestamp_seconds',
      help: 'Time of the last rotation of each key material, Unix seconds',
      labelNames: ['material'],
      registers,
      // Rotations run as separate commands while the server runs: read their log at every scrape.
      collect() {
        for (const [material, atMs] of rotations()) this.set({ material }, atMs / 1000);
      },
    });
    new Gauge({
      name: 'qpc_start_time_seconds',
      help: 'When this qpc-server process started, Unix seconds',
      registers,
    }).set(now() / 1000);
    const online = (): number => this.sessionsOnline();
    new Gauge({
      name: 'qpc_sessions_online',
      help: 'Logged-in clients holding a session stream',
      registers,
      collect() {
        this.set(online());
      },
    });
  }

  certificateExpires(role: CertificateRole, notAfter: Date): void {
    this.certificateExpiry.set({ certificate: role }, notAfter.getTime() / 1000);
  }

  keyRotatedAt(material: RotationMaterial, atMs: number): void {
    this.keyRotated.set({ material }, atMs / 1000);
  }

  /** Read at scrape time: the last rotation of each material (the rotation log of the data directory). */
  observeRotations(read: () => ReadonlyMap<RotationMaterial, number>): void {
    this.rotations = read;
  }

  /** Read at scrape time (e.g. SessionRegistry.size), once the wire exists. */
  observeSessionsOnline(count: () => number): void {
    this.sessionsOnline = count;
  }

  /** Called for every finished request with the same (already safe) labels as qpc_requests_total. */
  requestFinished(method: string, result: string): void {
    if (method === LOGIN_METHOD && result === 'ok') this.lastLogin.set(this.now() / 1000);
    if (DELIVERY_METHODS.has(method) && result !== 'ok') this.deliveryFailures.inc({ reason: result });
  }
}
