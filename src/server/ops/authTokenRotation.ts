import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import { MAX_BEARER_TOKEN_BYTES } from '../../protocol/index.js';
import { bearerDigest, BearerTokenVerifier } from '../auth/bearerToken.js';
import { readBearerTokenFile, writeBearerTokenFile, type BearerTokenFile } from '../auth/bearerTokenFile.js';
import { MIN_PRODUCTION_AUTH_TOKEN_LENGTH } from '../config/serverConfig.js';
import { BACKUPS_DIR, fileStamp } from './databaseRestore.js';
import { OpsError, OpsErrorCode } from './opsErrors.js';
import { recordRotation } from './rotationLog.js';

export const DEFAULT_AUTH_TOKEN_GRACE_MS = 24 * 3_600_000;

export interface AuthTokenRotationInput {
  dataDir: string;
  /** QPC_AUTH_TOKEN as the server reads it, if set. */
  configuredToken: string | undefined;
  /** The operator's own new token (read from stdin); a random one when absent. */
  newToken?: string | undefined;
  graceMs: number;
  dryRun: boolean;
  clock: Clock;
}

export interface AuthTokenRotationResult {
  /** The new token, to print once; undefined in a dry run. */
  token: string | undefined;
  /** Old tokens that keep working until graceUntil. */
  retiring: number;
  graceUntil: number;
  /** The token file before the rotation, relative to the data directory; undefined in a dry run. */
  backup: string | undefined;
  durationMs: number;
}

/**
 * Issue a new bearer token: back up the token file, record the new token's digest as current and every
 * token that worked until now as retired until the grace period ends, check that the server's own
 * verifier now accepts the new token (and the old ones during the grace period), and log the rotation.
 * A running server picks up the file at its next admission request: no restart.
 */
export function rotateAuthToken(input: AuthTokenRotationInput): AuthTokenRotationResult {
  const started = input.clock.now();
  const before = readBearerTokenFile(input.dataDir);
  const stillWorking = workingDigests(before, input.configuredToken, started);
  if (stillWorking.length === 0) {
    throw new OpsError(OpsErrorCode.RotationInvalid, 'this server has no bearer token to rotate', {
      hint: 'Bearer auth is off. To make the server private, set QPC_AUTH_TOKEN and restart it.',
    });
  }
  const token = input.newToken ?? randomBytes(32).toString('base64url');
  checkNewToken(token);
  const newDigest = bearerDigest(token).toString('hex');
  const graceUntil = started + input.graceMs;
  const retiring = stillWorking
    .filter((digest) => digest !== newDigest)
    .map((sha256) => ({ sha256, until: Math.max(graceUntil, retiredUntil(before, sha256) ?? 0) }));
  // Tokens whose grace period is over stay listed: a configured token among them must stay refused.
  const expired = (before?.retired ?? []).filter(
    (old) => old.until <= started && old.sha256 !== newDigest && !stillWorking.includes(old.sha256),
  );
  const retired = [...retiring, ...expired];
  if (input.dryRun) {
    return { token: undefined, retiring: retiring.length, graceUntil, backup: undefined, durationMs: 0 };
  }

  const backup = backupTokenFile(input.dataDir, before, input.configuredToken, started);
  writeBearerTokenFile(input.dataDir, {
    version: 1,
    current: { sha256: newDigest, since: started },
    retired,
  });
  const configuredWorked =
    input.configuredToken !== undefined &&
    stillWorking.includes(bearerDigest(input.configuredToken).toString('hex'));
  verifyRotation(input, token, configuredWorked && graceUntil > input.clock.now());
  recordRotation(input.dataDir, { material: 'auth-token', at: started, backup });
  return { token, retiring: retiring.length, graceUntil, backup, durationMs: input.clock.now() - started };
}

/** Digests accepted right now: the configured token (unless retired and expired) and the file's. */
function workingDigests(
  file: BearerTokenFile | undefined,
  configured: string | undefined,
  now: number,
): string[] {
  const digests = new Set<string>();
  if (file !== undefined) {
    digests.add(file.current.sha256);
    for (const old of file.retired) if (old.until > now) digests.add(old.sha256);
  }
  if (configured !== undefined) {
    const digest = bearerDigest(configured).toString('hex');
    const until = retiredUntil(file, digest);
    if (until === undefined || until > now) digests.add(digest);
  }
  return [...digests];
}

function retiredUntil(file: BearerTokenFile | undefined, digest: string): number | undefined {
  return file?.retired.find((old) => old.sha256 === digest)?.until;
}

function checkNewToken(token: string): void {
  const bytes = Buffer.byteLength(token, 'utf8');
  if (token.length < MIN_PRODUCTION_AUTH_TOKEN_LENGTH || bytes > MAX_BEARER_TOKEN_BYTES || /\s/.test(token)) {
    throw new OpsError(
      OpsErrorCode.RotationInvalid,
      `the new token must be ${MIN_PRODUCTION_AUTH_TOKEN_LENGTH} to ${MAX_BEARER_TOKEN_BYTES} bytes without spaces`,
      { hint: 'Leave out --token-stdin to get a random one.' },
    );
  }
}

/**
 * The token state before the rotation, in the token file's own format (digests only), so a rollback is
 * copying it back over <data>/auth-tokens.json. With no file yet, it states the configured token alone.
 */
function backupTokenFile(
  dataDir: string,
  before: BearerTokenFile | undefined,
  configured: string | undefined,
  now: number,
): string {
  const state: BearerTokenFile = before ?? {
    version: 1,
    current: { sha256: bearerDigest(configured ?? '').toString('hex'), since: 0 },
    retired: [],
  };
  const folder = join(dataDir, BACKUPS_DIR);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const relative = join(
    BACKUPS_DIR,
    `auth-token-${fileStamp(now)}-${String(now % 1000).padStart(3, '0')}.json`,
  );
  writeFileSync(join(dataDir, relative), `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return relative;
}

/** The new token is accepted, and so is the configured one when it worked before and is in its grace period. */
function verifyRotation(input: AuthTokenRotationInput, token: string, configuredInGrace: boolean): void {
  const verifier = new BearerTokenVerifier(input.configuredToken, {
    dataDir: input.dataDir,
    clock: input.clock,
  });
  const newAccepted = verifier.verify({ authVersion: 1, token }) === undefined;
  const oldAccepted =
    !configuredInGrace ||
    input.configuredToken === undefined ||
    verifier.verify({ authVersion: 1, token: input.configuredToken }) === undefined;
  if (!newAccepted || !oldAccepted) {
    throw new OpsError(
      OpsErrorCode.RotationVerifyFailed,
      `after the rotation the server would refuse the ${newAccepted ? 'old' : 'new'} token`,
      { hint: 'Copy the backup named in rotations.jsonl back over <data>/auth-tokens.json and report this.' },
    );
  }
}
