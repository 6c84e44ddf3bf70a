import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { loadServerCertificate, type ServerCertificate } from './loadServerCertificate.js';
import { TlsConfigError, TlsErrorCode } from './tlsErrors.js';

/**
 * A certificate and key offered to replace the installed pair: readable (PEM or DER), key and
 * certificate belong together, valid now (not expired, not yet to come), and valid for `serverName`
 * (the name clients connect with and delivery proofs carry). Throws TlsConfigError otherwise.
 */
export function checkReplacementCertificate(input: {
  certPath: string;
  keyPath: string;
  serverName: string;
  clock: Clock;
  logger: Logger;
  role: 'tls' | 'federation';
}): ServerCertificate {
  const loaded = loadServerCertificate(
    input.certPath,
    input.keyPath,
    input.clock,
    input.logger,
    'configured',
    input.role,
  );
  const certificate = new X509Certificate(loaded.certDer);
  const notBefore = new Date(certificate.validFrom);
  if (notBefore.getTime() > input.clock.now()) {
    throw new TlsConfigError(
      TlsErrorCode.NotYetValid,
      `${input.certPath}: the certificate is valid only from ${notBefore.toISOString()}`,
      { hint: 'Install it once it is valid (clients refuse it before), or check the clock of this host.' },
    );
  }
  if (input.serverName !== '' && !coversName(certificate, input.serverName)) {
    throw new TlsConfigError(
      TlsErrorCode.WrongName,
      `${input.certPath}: the certificate is not valid for "${input.serverName}"`,
      {
        hint:
          'Clients connect with that name: request a certificate that names it (subjectAltName), or pass ' +
          '--name NAME when the server changes its name on purpose.',
      },
    );
  }
  return loaded;
}

function coversName(certificate: X509Certificate, name: string): boolean {
  if (isIP(name) !== 0) return certificate.checkIP(name) !== undefined;
  // checkHost also accepts the subject CN when there is no DNS subjectAltName, as TLS clients of old did.
  return certificate.checkHost(name, { subject: 'default' }) !== undefined;
}
