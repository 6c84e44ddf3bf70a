import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Clock } from '../../lib/clock.js';

/** Names a development client connects to: `serverName` must be one of the DNS names (pitfall 3). */
export const DEV_CERTIFICATE_DNS_NAMES = ['localhost'] as const;
export const DEV_CERTIFICATE_IPS = ['127.0.0.1', '::1'] as const;
const DEV_CERTIFICATE_LIFETIME_MS = 365 * 86_400_000;

export interface GeneratedCertificate {
  /** DER of the certificate. */
  certificateDer: Uint8Array;
  /** PKCS#8 DER of the private key: a secret, wipe it once written. */
  privateKeyDer: Uint8Array;
}

/**
 * A self-signed ECDSA P-256 certificate for development. P-256 rather than Ed25519 because every TLS 1.3
 * stack, BoringSSL under @matrixai/quic included, accepts it. It is its own CA (CA:TRUE, keyCertSign),
 * which a client that validates the chain against it as a trust anchor needs (pitfall 3).
 */
export async function generateDevCertificate(clock: Clock): Promise<GeneratedCertificate> {
  const crypto = webcrypto;
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await crypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const now = clock.now();
  const serial = new Uint8Array(16);
  crypto.getRandomValues(serial);
  serial[0] = (serial[0] ?? 0) & 0x7f; // a positive INTEGER
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(serial).toString('hex'),
      name: 'CN=qpc-server development',
      notBefore: new Date(now - 60_000),
      notAfter: new Date(now + DEV_CERTIFICATE_LIFETIME_MS),
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          ...DEV_CERTIFICATE_DNS_NAMES.map((value) => ({ type: 'dns' as const, value })),
          ...DEV_CERTIFICATE_IPS.map((value) => ({ type: 'ip' as const, value })),
        ]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const privateKeyDer = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certificateDer: new Uint8Array(certificate.rawData), privateKeyDer };
}
