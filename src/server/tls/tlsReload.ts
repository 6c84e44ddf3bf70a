import type { Clock } from '../../lib/clock.js';
import { QpcError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { CertificateAnnouncement } from '../../protocol/index.js';
import type { ServerConfig } from '../config/serverConfig.js';
import type { OperationsMetrics } from '../metrics/operationsMetrics.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import { readCertificateAnnouncements } from './certificateAnnouncements.js';
import { federationCertificatePaths } from './certificatePaths.js';
import {
  loadServerCertificate,
  prepareServerCertificate,
  type ServerCertificate,
} from './loadServerCertificate.js';

/** The parts of the running server a reload replaces (the foundation's fields). */
export interface ReloadableCertificates {
  config: ServerConfig;
  db: ServerDatabase;
  certificate: ServerCertificate;
  federationCertificate: ServerCertificate | undefined;
  certificateAnnouncements: CertificateAnnouncement[];
}

/**
 * Load the certificates again from where the configuration says (after `qpc-server rotate tls-cert` or
 * `federation-cert`) and hand the TLS pair to QUIC for new connections; open connections keep the
 * handshake they made, so no session drops. A pair that fails its checks leaves everything as it was
 * and is logged: the server keeps serving with the certificate it had. Returns whether it reloaded.
 */
export async function reloadCertificates(deps: {
  target: ReloadableCertificates;
  replaceCertificate: (certPem: string, keyPem: string) => void;
  metrics: Pick<OperationsMetrics, 'certificateExpires'>;
  clock: Clock;
  logger: Logger;
}): Promise<boolean> {
  const { target, clock, logger } = deps;
  const { config } = target;
  try {
    const certificate = await prepareServerCertificate({
      certPath: config.certPath,
      keyPath: config.keyPath,
      dataDir: config.dataDir,
      clock,
      logger,
    });
    const federationPaths = federationCertificatePaths(config);
    const federation =
      federationPaths === undefined
        ? undefined
        : loadServerCertificate(
            federationPaths.certPath,
            federationPaths.keyPath,
            clock,
            logger,
            'configured',
            'federation',
          );
    const announcements = readCertificateAnnouncements(target.db);
    deps.replaceCertificate(certificate.certPem, certificate.keyPem);
    const previous = target.certificate.fingerprintSha256;
    target.certificate = certificate;
    target.federationCertificate = federation;
    target.certificateAnnouncements = announcements;
    deps.metrics.certificateExpires('tls', certificate.notAfter);
    if (federation !== undefined) deps.metrics.certificateExpires('federation', federation.notAfter);
    logger.info(
      {
        event: 'tls_reloaded',
        certSha256: certificate.fingerprintSha256,
        changed: certificate.fingerprintSha256 !== previous,
        notAfter: certificate.notAfter.toISOString(),
        ...(federation === undefined ? {} : { federationSha256: federation.fingerprintSha256 }),
      },
      'certificates reloaded',
    );
    return true;
  } catch (error) {
    logger.error(
      { event: 'tls_reload_failed', err: error instanceof QpcError ? error.code : (error as Error).name },
      'certificates not reloaded: the server keeps the ones it had',
    );
    return false;
  }
}
