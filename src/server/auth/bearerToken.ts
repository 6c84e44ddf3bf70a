import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import { AuthError } from '../../lib/errors.js';
import { BEARER_AUTH_VERSION } from '../../protocol/index.js';
import { AuthErrorCode } from './authErrors.js';
import { bearerTokenFileStamp, readBearerTokenFile, type BearerTokenFile } from './bearerTokenFile.js';

export interface BearerCredentials {
  authVersion: number;
  token: Uint8Array | string;
}

/** Where a rotation leaves its token digests, and the clock that ends a grace period. */
export interface BearerRotationSource {
  dataDir: string;
  clock: Clock;
}

/**
 * Checks the shared bearer token (QPC_AUTH_TOKEN) in constant time. Both sides are hashed first so the
 * comparison takes the same time whatever the presented length, and every accepted digest is compared
 * (no early exit), so the time does not tell which one matched.
 *
 * Accepted: the configured token, plus what `qpc-server rotate auth-token` recorded in the data
 * directory (the new token, and each old one until its grace period ends). A configured token that a
 * rotation retired stops working when its grace period ends, even before the setting is updated.
 * The file is re-read whenever it changes, so a rotation needs no restart.
 */
export class BearerTokenVerifier {
  private readonly configuredDigest: Buffer | undefined;
  private fileStamp: string | undefined;
  private file: BearerTokenFile | undefined;

  constructor(
    configuredToken: string | undefined,
    private readonly rotation?: BearerRotationSource,
  ) {
    this.configuredDigest = configuredToken === undefined ? undefined : bearerDigest(configuredToken);
    this.reload();
  }

  /** False when no token is configured or rotated in: bearer auth is then off and every attempt fails. */
  get enabled(): boolean {
    this.reload();
    return this.configuredDigest !== undefined || this.file !== undefined;
  }

  /** True when the configured token was retired by a rotation and its grace period is over. */
  configuredTokenRetired(): boolean {
    this.reload();
    if (this.configuredDigest === undefined) return false;
    const now = this.rotation?.clock.now() ?? Date.now();
    return this.retiredUntil(this.configuredDigest.toString('hex')).some((until) => until <= now);
  }

  /** Undefined when accepted, otherwise an AuthError (AUTH_BEARER_INVALID). */
  verify(credentials: BearerCredentials): AuthError | undefined {
    this.reload();
    const presented = bearerDigest(credentials.token);
    let matches = false;
    for (const accepted of this.acceptedDigests()) {
      // Non-short-circuit OR: every digest is compared whatever the outcome.
      matches = timingSafeEqual(presented, accepted) || matches;
    }
    presented.fill(0);
    if (credentials.authVersion === BEARER_AUTH_VERSION && matches) return undefined;
    return new AuthError(AuthErrorCode.BearerInvalid, 'the bearer token is not valid', {
      hint: `Use auth version ${BEARER_AUTH_VERSION} with the server's current token (QPC_AUTH_TOKEN).`,
    });
  }

  private acceptedDigests(): Buffer[] {
    const now = this.rotation?.clock.now() ?? Date.now();
    const accepted: Buffer[] = [];
    if (this.configuredDigest !== undefined) {
      const retired = this.retiredUntil(this.configuredDigest.toString('hex'));
      if (retired.length === 0 || retired.some((until) => until > now)) accepted.push(this.configuredDigest);
    }
    if (this.file !== undefined) {
      accepted.push(Buffer.from(this.file.current.sha256, 'hex'));
      for (const old of this.file.retired) {
        if (old.until > now) accepted.push(Buffer.from(old.sha256, 'hex'));
      }
    }
    return accepted;
  }

  private retiredUntil(digestHex: string): number[] {
    if (this.file === undefined || this.file.current.sha256 === digestHex) return [];
    return this.file.retired.filter((old) => old.sha256 === digestHex).map((old) => old.until);
  }

  private reload(): void {
    if (this.rotation === undefined) return;
    const stamp = bearerTokenFileStamp(this.rotation.dataDir);
    if (stamp === this.fileStamp) return;
    this.file = readBearerTokenFile(this.rotation.dataDir);
    this.fileStamp = stamp;
  }
}

export function bearerDigest(token: Uint8Array | string): Buffer {
  return createHash('sha256')
    .update(typeof token === 'string' ? Buffer.from(token, 'utf8') : token)
    .digest();
}
