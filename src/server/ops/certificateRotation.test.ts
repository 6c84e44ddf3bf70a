import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { DEFAULT_CONFIG, type ServerConfig } from '../config/serverConfig.js';
import { FEDERATION_CERT_FILE, federationCertificatePaths } from '../tls/certificatePaths.js';
import { generateDevCertificate } from '../tls/generateDevCertificate.js';
import { certificateFingerprint } from '../tls/loadServerCertificate.js';
import { TlsConfigError, TlsErrorCode } from '../tls/tlsErrors.js';
import { rotateCertificate } from './certificateRotation.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { lastRotations } from './rotationLog.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'qpc-fed-rotation-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function config(): ServerConfig {
  return {
    ...DEFAULT_CONFIG,
    dataDir,
    configFile: undefined,
    certPath: undefined,
    keyPath: undefined,
    federationCertPath: undefined,
    federationKeyPath: undefined,
    dbKeyHex: undefined,
    authToken: undefined,
    adminToken: undefined,
  };
}

async function newPair(name: string): Promise<{ cert: string; key: string; sha256: string }> {
  const pair = await generateDevCertificate(new ManualClock(NOW));
  const cert = join(dataDir, `${name}.der`);
  const key = join(dataDir, `${name}.key.der`);
  writeFileSync(cert, pair.certificateDer);
  writeFileSync(key, pair.privateKeyDer, { mode: 0o600 });
  return { cert, key, sha256: certificateFingerprint(pair.certificateDer) };
}

function rotate(
  files: { cert: string; key: string },
  options: { dryRun?: boolean; serverName?: string } = {},
) {
  return rotateCertificate({
    material: 'federation-cert',
    config: config(),
    certFile: files.cert,
    keyFile: files.key,
    serverName: options.serverName,
    dbKey: undefined,
    dryRun: options.dryRun ?? false,
    clock: new ManualClock(NOW),
    logger: silentLogger(),
  });
}

describe('rotate federation-cert', () => {
  it('installs the first pair in the data directory, then backs up and replaces it', async () => {
    const first = await newPair('first');
    const dry = rotate(first, { dryRun: true });
    expect(dry.backup).toBeUndefined();
    expect(federationCertificatePaths(config())).toBeUndefined();

    const installed = rotate(first);
    expect(installed.oldSha256).toBeUndefined();
    expect(installed.announced).toBe(false);
    expect(installed.installed.certPath).toBe(join(dataDir, FEDERATION_CERT_FILE));
    expect(federationCertificatePaths(config())).toEqual(installed.installed);
    expect(statSync(installed.installed.keyPath).mode & 0o777).toBe(0o600);

    const second = await newPair('second');
    const replaced = rotate(second);
    expect(replaced.oldSha256).toBe(first.sha256);
    expect(replaced.newSha256).toBe(second.sha256);
    expect(replaced.serverName).toBe('localhost');
    const backup = replaced.backup ?? { cert: 'none', key: 'none' };
    expect(readFileSync(join(dataDir, backup.cert))).toEqual(readFileSync(first.cert));
    expect(readFileSync(join(dataDir, backup.key))).toEqual(readFileSync(first.key));
    expect(statSync(join(dataDir, backup.key)).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, backup.cert)).mode & 0o777).toBe(0o600);
    expect(lastRotations(dataDir).get('federation-cert')).toBe(NOW);
  });

  it('refuses the installed certificate again and one for another name, changing nothing', async () => {
    const first = await newPair('first');
    rotate(first);
    expect(() => rotate(first)).toThrow(OpsError);
    try {
      rotate(first);
    } catch (error) {
      expect((error as OpsError).code).toBe(OpsErrorCode.RotationInvalid);
    }
    const other = await newPair('other');
    let refused: unknown;
    try {
      rotate(other, { serverName: 'peer.example.org' });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(TlsConfigError);
    expect((refused as TlsConfigError).code).toBe(TlsErrorCode.WrongName);
    expect(readFileSync(join(dataDir, FEDERATION_CERT_FILE))).toEqual(readFileSync(first.cert));
  });
});
