import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import { wipe } from '../../lib/bytes.js';
import type { Logger } from '../../lib/logger.js';
import { TlsConfigError, TlsErrorCode } from './tlsErrors.js';

export const DEV_CERT_FILE = 'server-cert.der';
export const DEV_KEY_FILE = 'server-key.der';
const EXPIRY_WARNING_MS = 30 * 86_400_000;

/** A validated certificate and key, in the forms @matrixai/quic and clients need. */
export interface ServerCertificate {
  /** PEM strings for QUICServer's `crypto`/`config` (`cert`, `key`). keyPem is a secret: never log it. */
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
  /** SHA-256 of the certificate DER, lower-case hex: what a client pins on first use. */
  fingerprintSha256: string;
  notAfter: Date;
  /** Where it came from, for the startup log line. */
  source: 'configured' | 'development';
}

export interface PrepareCertificateInput {
  certPath: string | undefined;
  keyPath: string | undefined;
  dataDir: string;
  clock: Clock;
  logger: Logger;
}

/**
 * The configured certificate, or in development the one in the data dir, generated on first start.
 * Throws TlsConfigError (exit code 2 at the CLI) for anything QUIC would choke on later.
 */
export async function prepareServerCertificate(input: PrepareCertificateInput): Promise<ServerCertificate> {
  if (input.certPath !== undefined && input.keyPath !== undefined) {
    return loadServerCertificate(input.certPath, input.keyPath, input.clock, input.logger, 'configured');
  }
  const certPath = join(input.dataDir, DEV_CERT_FILE);
  const keyPath = join(input.dataDir, DEV_KEY_FILE);
  const haveCert = existsSync(certPath);
  const haveKey = existsSync(keyPath);
  if (haveCert !== haveKey) {
    // A start interrupted between the two writes; never guess which half to trust.
    throw new TlsConfigError(
      TlsErrorCode.Unreadable,
      `${haveCert ? keyPath : certPath}: missing while its pair exists`,
      { hint: `Delete ${haveCert ? certPath : keyPath} to generate a new development certificate.` },
    );
  }
  if (!haveCert) {
    mkdirSync(input.dataDir, { recursive: true, mode: 0o700 });
    // Loaded only here: @peculiar/x509 and its ASN.1 schemas cost about 13 MiB of RSS, and a server
    // whose certificate exists (every start after the first) never needs them.
    const { generateDevCertificate } = await import('./generateDevCertificate.js');
    const generated = await generateDevCertificate(input.clock);
    // 'wx' refuses to overwrite: two servers starting at once must not replace each other's key.
    writeFileSync(keyPath, generated.privateKeyDer, { mode: 0o600, flag: 'wx' });
    writeFileSync(certPath, generated.certificateDer, { mode: 0o644, flag: 'wx' });
    wipe(generated.privateKeyDer);
    input.logger.info({ event: 'tls_dev_certificate_generated' }, 'generated a development certificate');
  }
  return loadServerCertificate(certPath, keyPath, input.clock, input.logger, 'development');
}

/** Load a certificate and key (PEM or DER, PKCS#8 or SEC1 for the key) and check that they belong together. */
export function loadServerCertificate(
  certPath: string,
  keyPath: string,
  clock: Clock,
  logger: Logger,
  source: ServerCertificate['source'] = 'configured',
  /** Which certificate this is, for the log lines: the QUIC server's or the server-to-server one. */
  role: 'tls' | 'federation' = 'tls',
): ServerCertificate {
  const certificate = parseCertificate(readFile(certPath), certPath);
  const keyBytes = readFile(keyPath);
  const privateKey = parsePrivateKey(keyBytes, keyPath);
  wipe(keyBytes);
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new TlsConfigError(TlsErrorCode.KeyMismatch, `${keyPath}: the key does not match ${certPath}`, {
      hint: 'Configure the private key that was used to request this certificate.',
    });
  }
  const notAfter = new Date(certificate.validTo);
  const remaining = notAfter.getTime() - clock.now();
  if (remaining <= 0) {
    throw new TlsConfigError(
      TlsErrorCode.Expired,
      `${certPath}: the certificate expired on ${notAfter.toISOString()}`,
      {
        hint: 'Renew it, or in development delete server-cert.der and server-key.der to generate a new one.',
      },
    );
  }
  if (remaining < EXPIRY_WARNING_MS) {
    logger.warn(
      {
        event: 'tls_certificate_expiring',
        certificate: role,
        daysLeft: Math.floor(remaining / 86_400_000),
        notAfter: notAfter.toISOString(),
      },
      `the ${role === 'tls' ? 'TLS' : 'federation'} certificate expires within 30 days`,
    );
  }
  const certDer = new Uint8Array(certificate.raw);
  return {
    certPem: certificate.toString(),
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certDer,
    fingerprintSha256: certificateFingerprint(certDer),
    notAfter,
    source,
  };
}

/** SHA-256 of a certificate's DER, lower-case hex. */
export function certificateFingerprint(certDer: Uint8Array): string {
  return createHash('sha256').update(certDer).digest('hex');
}

function readFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new TlsConfigError(
      TlsErrorCode.Unreadable,
      `${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      {
        cause: error,
      },
    );
  }
}

function isPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 64).toString('latin1').includes('-----BEGIN');
}

function parseCertificate(bytes: Buffer, path: string): X509Certificate {
  try {
    return new X509Certificate(bytes);
  } catch (error) {
    throw new TlsConfigError(
      TlsErrorCode.BadCertificate,
      `${path}: not a valid X.509 certificate (PEM or DER)`,
      {
        cause: error,
      },
    );
  }
}

function parsePrivateKey(bytes: Buffer, path: string): KeyObject {
  const attempts: Parameters<typeof createPrivateKey>[0][] = isPem(bytes)
    ? [{ key: bytes, format: 'pem' }]
    : [
        { key: bytes, format: 'der', type: 'pkcs8' },
        { key: bytes, format: 'der', type: 'sec1' },
      ];
  let lastError: unknown;
  for (const attempt of attempts) {
    try {
      return createPrivateKey(attempt);
    } catch (error) {
      lastError = error;
    }
  }
  // The cause is dropped on purpose: OpenSSL messages may quote key material.
  void lastError;
  throw new TlsConfigError(TlsErrorCode.BadKey, `${path}: not a valid private key (PEM, or DER PKCS#8/SEC1)`);
}
