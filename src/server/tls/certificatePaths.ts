import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ServerConfig } from '../config/serverConfig.js';
import { DEV_CERT_FILE, DEV_KEY_FILE } from './loadServerCertificate.js';

/** Where `rotate federation-cert` installs the pair when federation_cert/federation_key are not set. */
export const FEDERATION_CERT_FILE = 'federation-cert.pem';
export const FEDERATION_KEY_FILE = 'federation-key.pem';

export type CertificateRole = 'tls' | 'federation';

export interface CertificatePaths {
  certPath: string;
  keyPath: string;
}

/**
 * The files the server loads a certificate from: the configured pair, else the pair in the data
 * directory (the generated development certificate for TLS; the one a rotation installed for federation).
 */
export function certificatePaths(config: ServerConfig, role: CertificateRole): CertificatePaths {
  if (role === 'tls') {
    return config.certPath !== undefined && config.keyPath !== undefined
      ? { certPath: config.certPath, keyPath: config.keyPath }
      : { certPath: join(config.dataDir, DEV_CERT_FILE), keyPath: join(config.dataDir, DEV_KEY_FILE) };
  }
  return config.federationCertPath !== undefined && config.federationKeyPath !== undefined
    ? { certPath: config.federationCertPath, keyPath: config.federationKeyPath }
    : {
        certPath: join(config.dataDir, FEDERATION_CERT_FILE),
        keyPath: join(config.dataDir, FEDERATION_KEY_FILE),
      };
}

/** The federation pair to load at startup and on reload, or undefined when there is none. */
export function federationCertificatePaths(config: ServerConfig): CertificatePaths | undefined {
  const paths = certificatePaths(config, 'federation');
  const configured = config.federationCertPath !== undefined;
  return configured || (existsSync(paths.certPath) && existsSync(paths.keyPath)) ? paths : undefined;
}
