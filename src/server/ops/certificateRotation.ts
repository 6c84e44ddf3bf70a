import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex, wipe } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import { certificateServerName } from '../delivery/deliveryProofs.js';
import {
  readCertificateAnnouncements,
  signCertificateChange,
  storeCertificateAnnouncement,
} from '../tls/certificateAnnouncements.js';
import { checkReplacementCertificate } from '../tls/certificateChecks.js';
import { certificatePaths, type CertificateRole } from '../tls/certificatePaths.js';
import { certificateFingerprint, loadServerCertificate } from '../tls/loadServerCertificate.js';
import { BACKUPS_DIR, fileStamp } from './databaseRestore.js';
import { databasePath, openExistingDatabase } from './existingDatabase.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { recordRotation } from './rotationLog.js';

export type CertificateMaterial = 'tls-cert' | 'federation-cert';

export interface CertificateRotationResult {
  /** SHA-256 (hex) of the certificate replaced, undefined when none was installed. */
  oldSha256: string | undefined;
  newSha256: string;
  notAfter: Date;
  serverName: string;
  /** Where the pair now lives (the server loads it from there). */
  installed: { certPath: string; keyPath: string };
  /** The previous pair, relative to the data directory; undefined on a dry run or a first install. */
  backup: { cert: string; key: string } | undefined;
  /** A signed announcement old -> new was stored for pinned clients (TLS only). */
  announced: boolean;
  durationMs: number;
}

export function roleOf(material: CertificateMaterial): CertificateRole {
  return material === 'tls-cert' ? 'tls' : 'federation';
}

/**
 * Check a new certificate and key, back up the installed pair, sign the change for pinned clients (TLS:
 * old hash -> new hash with the server's signing key, stored in server_state), install the pair where
 * the server loads it, and read it back. The running server picks it up on SIGHUP (the command sends it).
 */
export function rotateCertificate(input: {
  material: CertificateMaterial;
  config: { dataDir: string } & Parameters<typeof certificatePaths>[0];
  certFile: string;
  keyFile: string;
  /** The name the certificate must be valid for; default: the installed certificate's name. */
  serverName: string | undefined;
  /** The database key (TLS: to sign the announcement); wiped by the caller. */
  dbKey: Uint8Array | undefined;
  dryRun: boolean;
  clock: Clock;
  logger: Logger;
}): CertificateRotationResult {
  const started = input.clock.now();
  const role = roleOf(input.material);
  const { dataDir } = input.config;
  const installed = certificatePaths(input.config, role);
  const oldDer = existsSync(installed.certPath) ? readCertificateDer(installed.certPath) : undefined;
  const oldSha256 = oldDer === undefined ? undefined : certificateFingerprint(oldDer);
  const serverName = input.serverName ?? (oldDer === undefined ? '' : certificateServerName(oldDer));
  const offered = checkReplacementCertificate({
    certPath: input.certFile,
    keyPath: input.keyFile,
    serverName,
    clock: input.clock,
    logger: input.logger,
    role,
  });
  if (offered.fingerprintSha256 === oldSha256) {
    throw new OpsError(
      OpsErrorCode.RotationInvalid,
      `${input.certFile}: this certificate is already installed`,
      {
        hint: 'Pass the new certificate and its key.',
      },
    );
  }
  const result: CertificateRotationResult = {
    oldSha256,
    newSha256: offered.fingerprintSha256,
    notAfter: offered.notAfter,
    serverName,
    installed,
    backup: undefined,
    announced: false,
    durationMs: 0,
  };
  if (input.dryRun) return result;

  if (oldDer !== undefined) result.backup = backupPair(dataDir, input.material, installed, started);
  const dbFile = databasePath(dataDir);
  if (role === 'tls' && oldSha256 !== undefined && input.dbKey !== undefined && existsSync(dbFile)) {
    announce(dbFile, input.dbKey, oldSha256, offered.fingerprintSha256, started);
    result.announced = true;
  }
  installPair(input.certFile, input.keyFile, installed);
  const readBack = loadServerCertificate(
    installed.certPath,
    installed.keyPath,
    input.clock,
    input.logger,
    'configured',
    role,
  );
  if (readBack.fingerprintSha256 !== offered.fingerprintSha256) {
    throw new OpsError(
      OpsErrorCode.RotationVerifyFailed,
      `${installed.certPath}: holds another certificate than the one installed`,
      { hint: `Copy the backup ${result.backup?.cert ?? ''} back in place and report this.` },
    );
  }
  recordRotation(dataDir, {
    material: input.material,
    at: started,
    ...(result.backup === undefined ? {} : { backup: result.backup.cert }),
  });
  return { ...result, durationMs: input.clock.now() - started };
}

function readCertificateDer(path: string): Uint8Array {
  try {
    return new Uint8Array(new X509Certificate(readFileSync(path)).raw);
  } catch (error) {
    throw new OpsError(OpsErrorCode.RotationInvalid, `${path}: the installed certificate cannot be read`, {
      hint: 'Check the path in the configuration (cert / QPC_CERT, federation_cert).',
      cause: error,
    });
  }
}

/** The installed pair, byte for byte, into <data>/backups/ (0600: the key is a secret). */
function backupPair(
  dataDir: string,
  material: CertificateMaterial,
  installed: { certPath: string; keyPath: string },
  at: number,
): { cert: string; key: string } {
  mkdirSync(join(dataDir, BACKUPS_DIR), { recursive: true, mode: 0o700 });
  const base = join(BACKUPS_DIR, `${material}-${fileStamp(at)}-${at % 1000}`);
  const backup = { cert: `${base}.cert`, key: `${base}.key` };
  writeFileSync(join(dataDir, backup.cert), readFileSync(installed.certPath), { mode: 0o600, flag: 'wx' });
  const key = readFileSync(installed.keyPath);
  try {
    writeFileSync(join(dataDir, backup.key), key, { mode: 0o600, flag: 'wx' });
  } finally {
    key.fill(0);
  }
  return backup;
}

/** Sign old -> new with the signing key in server_state and store it (a running server reads it on reload). */
function announce(dbFile: string, dbKey: Uint8Array, oldSha256: string, newSha256: string, at: number): void {
  const db = openExistingDatabase(dbFile, dbKey);
  try {
    const row = db
      .prepare<[], { value: Buffer }>("SELECT value FROM server_state WHERE name = 'signing_key_seed'")
      .get();
    if (row === undefined) {
      throw new OpsError(
        OpsErrorCode.RotationInvalid,
        `${dbFile}: no signing key to announce the change with`,
        {
          hint: 'Start the server once: it creates its signing key.',
        },
      );
    }
    const seed = new Uint8Array(row.value);
    try {
      storeCertificateAnnouncement(
        db,
        signCertificateChange({ seed, oldSha256Hex: oldSha256, newSha256Hex: newSha256, at }),
      );
    } finally {
      wipe(seed);
      row.value.fill(0);
    }
    const stored = readCertificateAnnouncements(db)[0];
    if (stored === undefined || toHex(stored.newCertSha256) !== newSha256) {
      throw new OpsError(OpsErrorCode.RotationVerifyFailed, `${dbFile}: the announcement was not stored`);
    }
  } finally {
    db.close();
  }
}

/** Write each file beside its target and rename over it, so the server never loads half a file. */
function installPair(
  certFile: string,
  keyFile: string,
  installed: { certPath: string; keyPath: string },
): void {
  const suffix = `.rotating-${process.pid}`;
  writeFileSync(installed.certPath + suffix, readFileSync(certFile), { mode: 0o644 });
  const key = readFileSync(keyFile);
  try {
    writeFileSync(installed.keyPath + suffix, key, { mode: 0o600 });
  } finally {
    key.fill(0);
  }
  renameSync(installed.keyPath + suffix, installed.keyPath);
  renameSync(installed.certPath + suffix, installed.certPath);
}
