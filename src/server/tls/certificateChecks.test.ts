import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { checkReplacementCertificate } from './certificateChecks.js';
import { generateDevCertificate, type GeneratedCertificate } from './generateDevCertificate.js';
import { TlsConfigError, TlsErrorCode } from './tlsErrors.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-tls-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a generated pair, DER as generated or converted to PEM, and returns the two paths. */
function writePair(
  pair: GeneratedCertificate,
  name: string,
  format: 'der' | 'pem',
): { cert: string; key: string } {
  const cert = join(dir, `${name}.cert`);
  const key = join(dir, `${name}.key`);
  if (format === 'der') {
    writeFileSync(cert, pair.certificateDer);
    writeFileSync(key, pair.privateKeyDer);
  } else {
    writeFileSync(cert, new X509Certificate(pair.certificateDer).toString());
    const base64 = Buffer.from(pair.privateKeyDer)
      .toString('base64')
      .replace(/(.{64})/gu, '$1\n');
    writeFileSync(key, `-----BEGIN PRIVATE KEY-----\n${base64}\n-----END PRIVATE KEY-----\n`);
  }
  return { cert, key };
}

function check(paths: { cert: string; key: string }, serverName = 'localhost', now = NOW) {
  return checkReplacementCertificate({
    certPath: paths.cert,
    keyPath: paths.key,
    serverName,
    clock: new ManualClock(now),
    logger: silentLogger(),
    role: 'tls',
  });
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TlsConfigError) return error.code;
    throw error;
  }
  throw new Error('expected a TlsConfigError');
}

describe('checks of a replacement certificate', () => {
  it('accepts a matching, current pair for the server name, in DER and in PEM', async () => {
    const pair = await generateDevCertificate(new ManualClock(NOW));
    const fromDer = check(writePair(pair, 'der', 'der'));
    const fromPem = check(writePair(pair, 'pem', 'pem'));
    expect(fromDer.fingerprintSha256).toBe(fromPem.fingerprintSha256);
    expect(fromDer.notAfter.getTime()).toBeGreaterThan(NOW);
    // The development certificate names 127.0.0.1 too.
    expect(check(writePair(pair, 'ip', 'der'), '127.0.0.1').fingerprintSha256).toBe(
      fromDer.fingerprintSha256,
    );
  });

  it('refuses a key that belongs to another certificate', async () => {
    const [one, other] = await Promise.all([
      generateDevCertificate(new ManualClock(NOW)),
      generateDevCertificate(new ManualClock(NOW)),
    ]);
    const first = writePair(one, 'one', 'der');
    const second = writePair(other, 'other', 'pem');
    expect(codeOf(() => check({ cert: first.cert, key: second.key }))).toBe(TlsErrorCode.KeyMismatch);
  });

  it('refuses an expired certificate and one not valid yet', async () => {
    const expired = writePair(await generateDevCertificate(new ManualClock(NOW - 400 * DAY)), 'old', 'der');
    expect(codeOf(() => check(expired))).toBe(TlsErrorCode.Expired);
    const early = writePair(await generateDevCertificate(new ManualClock(NOW + 2 * DAY)), 'early', 'der');
    expect(codeOf(() => check(early))).toBe(TlsErrorCode.NotYetValid);
  });

  it('refuses a certificate that does not name the server', async () => {
    const pair = writePair(await generateDevCertificate(new ManualClock(NOW)), 'named', 'pem');
    expect(codeOf(() => check(pair, 'chat.example.org'))).toBe(TlsErrorCode.WrongName);
    expect(codeOf(() => check(pair, '192.0.2.7'))).toBe(TlsErrorCode.WrongName);
  });

  it('refuses files that are no certificate or no key', async () => {
    const pair = writePair(await generateDevCertificate(new ManualClock(NOW)), 'pair', 'der');
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a certificate');
    expect(codeOf(() => check({ cert: junk, key: pair.key }))).toBe(TlsErrorCode.BadCertificate);
    expect(codeOf(() => check({ cert: pair.cert, key: junk }))).toBe(TlsErrorCode.BadKey);
    expect(codeOf(() => check({ cert: join(dir, 'absent'), key: pair.key }))).toBe(TlsErrorCode.Unreadable);
  });
});
