import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { BearerTokenVerifier } from '../auth/bearerToken.js';
import { BEARER_TOKEN_FILE } from '../auth/bearerTokenFile.js';
import { rotateAuthToken } from './authTokenRotation.js';
import { lastRotations } from './rotationLog.js';

const OLD = 'old-token-0123456789abcdef';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-auth-rotation-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const accepts = (verifier: BearerTokenVerifier, token: string): boolean =>
  verifier.verify({ authVersion: 1, token }) === undefined;

describe('rotateAuthToken', () => {
  it('keeps the old token for the grace period only, then the configured old token is refused', () => {
    const clock = new ManualClock(1_000_000);
    const verifier = new BearerTokenVerifier(OLD, { dataDir: dir, clock });
    const first = rotateAuthToken({
      dataDir: dir,
      configuredToken: OLD,
      graceMs: 60_000,
      dryRun: false,
      clock,
    });
    const firstToken = first.token ?? '';
    expect(accepts(verifier, OLD)).toBe(true);
    expect(accepts(verifier, firstToken)).toBe(true);
    expect(accepts(verifier, 'something-else-0123456789')).toBe(false);
    expect(verifier.verify({ authVersion: 2, token: firstToken })).toBeDefined();

    clock.advance(60_000);
    expect(accepts(verifier, OLD)).toBe(false);
    expect(verifier.configuredTokenRetired()).toBe(true);
    expect(accepts(verifier, firstToken)).toBe(true);

    // A second rotation retires the first token, and the configured one stays refused.
    clock.advance(1_000);
    const second = rotateAuthToken({
      dataDir: dir,
      configuredToken: OLD,
      graceMs: 1_000,
      dryRun: false,
      clock,
    });
    expect(accepts(verifier, firstToken)).toBe(true);
    expect(accepts(verifier, second.token ?? '')).toBe(true);
    expect(accepts(verifier, OLD)).toBe(false);
    clock.advance(1_000);
    expect(accepts(verifier, firstToken)).toBe(false);
    expect(lastRotations(dir).get('auth-token')).toBe(1_061_000);
  });

  it('changes nothing in a dry run, takes the token from the operator, refuses a short one', () => {
    const clock = new ManualClock(5_000);
    const dry = rotateAuthToken({ dataDir: dir, configuredToken: OLD, graceMs: 0, dryRun: true, clock });
    expect(dry.token).toBeUndefined();
    expect(dry.retiring).toBe(1);
    expect(lastRotations(dir).size).toBe(0);
    const chosen = 'operator-chosen-token-123';
    expect(
      rotateAuthToken({
        dataDir: dir,
        configuredToken: OLD,
        newToken: chosen,
        graceMs: 0,
        dryRun: false,
        clock,
      }).token,
    ).toBe(chosen);
    expect(() =>
      rotateAuthToken({
        dataDir: dir,
        configuredToken: OLD,
        newToken: 'short',
        graceMs: 0,
        dryRun: false,
        clock,
      }),
    ).toThrow(/16 to 256 bytes/);
  });

  it('fails closed on a malformed token file', () => {
    writeFileSync(join(dir, BEARER_TOKEN_FILE), '{"version":1}');
    expect(() => new BearerTokenVerifier(OLD, { dataDir: dir, clock: new ManualClock() })).toThrow(
      expect.objectContaining({ code: 'AUTH_TOKEN_FILE_INVALID' }),
    );
  });
});
