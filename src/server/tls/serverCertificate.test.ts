import 'reflect-metadata';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger, type Logger } from '../../lib/logger.js';
import {
  certificateFingerprint,
  DEV_CERT_FILE,
  DEV_KEY_FILE,
  loadServerCertificate,
  prepareServerCertificate,
} from './loadServerCertificate.js';
import { TlsConfigError } from './tlsErrors.js';

const DAY = 86_400_000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-tls-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger: Logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
  return { logger, lines };
}

function tlsErrorOf(run: () => unknown): TlsConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof TlsConfigError) return error;
    throw error;
  }
  throw new Error('expected a TlsConfigError');
}

describe('development certificate', () => {
  it('is generated once with the names, CA flags and key type a QUIC client needs', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const input = {
      certPath: undefined,
      keyPath: undefined,
      dataDir: join(dir, 'data'),
      clock,
      logger: silentLogger(),
    };
    const first = await prepareServerCertificate(input);
    const second = await prepareServerCertificate(input);
    expect(second.fingerprintSha256).toBe(first.fingerprintSha256);
    expect(first.source).toBe('development');

    expect(statSync(join(dir, 'data', DEV_KEY_FILE)).mode & 0o777).toBe(0o600);
    const der = readFileSync(join(dir, 'data', DEV_CERT_FILE));
    expect(first.fingerprintSha256).toBe(certificateFingerprint(der));
    expect(first.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);

    const node = new X509Certificate(der);
    expect(node.ca).toBe(true);
    expect(node.checkHost('localhost')).toBe('localhost');
    expect(node.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(node.checkIP('::1')).toBeDefined();
    expect(node.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const parsed = new x509.X509Certificate(der);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    expect(usage !== null && (usage.usages & x509.KeyUsageFlags.keyCertSign) !== 0).toBe(true);
    expect(first.certPem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(first.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('warns when the certificate expires within 30 days and refuses an expired one', async () => {
    const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
    const dataDir = join(dir, 'data');
    await prepareServerCertificate({
      certPath: undefined,
      keyPath: undefined,
      dataDir,
      clock,
      logger: silentLogger(),
    });
    const certPath = join(dataDir, DEV_CERT_FILE);
    const keyPath = join(dataDir, DEV_KEY_FILE);

    const early = capturingLogger();
    loadServerCertificate(certPath, keyPath, clock, early.logger);
    expect(early.lines).toHaveLength(0);

    clock.advance(350 * DAY);
    const late = capturingLogger();
    loadServerCertificate(certPath, keyPath, clock, late.logger);
    expect(late.lines.join('')).toContain('tls_certificate_expiring');

    clock.advance(30 * DAY);
    expect(tlsErrorOf(() => loadServerCertificate(certPath, keyPath, clock, silentLogger())).code).toBe(
      'TLS_CERT_EXPIRED',
    );
  });
});

describe('half a development pair', () => {
  it('is refused instead of being silently regenerated', async () => {
    const clock = new ManualClock(Date.now());
    const input = { certPath: undefined, keyPath: undefined, dataDir: dir, clock, logger: silentLogger() };
    await prepareServerCertificate(input);
    rmSync(join(dir, DEV_CERT_FILE));
    await expect(prepareServerCertificate(input)).rejects.toMatchObject({ code: 'TLS_FILE_UNREADABLE' });
  });
});

describe('configured certificate', () => {
  async function twoDevCertificates() {
    const clock = new ManualClock(Date.now());
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const dataDir of [a, b]) {
      await prepareServerCertificate({
        certPath: undefined,
        keyPath: undefined,
        dataDir,
        clock,
        logger: silentLogger(),
      });
    }
    return { clock, a, b };
  }

  it('accepts PEM files and gives the same fingerprint as the DER', async () => {
    const { clock, a } = await twoDevCertificates();
    const loaded = loadServerCertificate(
      join(a, DEV_CERT_FILE),
      join(a, DEV_KEY_FILE),
      clock,
      silentLogger(),
    );
    writeFileSync(join(dir, 'cert.pem'), loaded.certPem);
    writeFileSync(join(dir, 'key.pem'), loaded.keyPem);
    const fromPem = await prepareServerCertificate({
      certPath: join(dir, 'cert.pem'),
      keyPath: join(dir, 'key.pem'),
      dataDir: dir,
      clock,
      logger: silentLogger(),
    });
    expect(fromPem.fingerprintSha256).toBe(loaded.fingerprintSha256);
    expect(fromPem.source).toBe('configured');
  });

  it('rejects a malformed certificate, a malformed key, a missing file and a key of another certificate', async () => {
    const { clock, a, b } = await twoDevCertificates();
    writeFileSync(
      join(dir, 'junk.pem'),
      '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n',
    );
    const load = (cert: string, key: string) => () => loadServerCertificate(cert, key, clock, silentLogger());

    const badCert = tlsErrorOf(load(join(dir, 'junk.pem'), join(a, DEV_KEY_FILE)));
    expect(badCert.code).toBe('TLS_BAD_CERTIFICATE');
    expect(badCert.exitCode).toBe(2);
    expect(tlsErrorOf(load(join(a, DEV_CERT_FILE), join(dir, 'junk.pem'))).code).toBe('TLS_BAD_KEY');
    expect(tlsErrorOf(load(join(dir, 'missing.der'), join(a, DEV_KEY_FILE))).code).toBe(
      'TLS_FILE_UNREADABLE',
    );
    expect(tlsErrorOf(load(join(a, DEV_CERT_FILE), join(b, DEV_KEY_FILE))).code).toBe('TLS_KEY_MISMATCH');
  });
});
