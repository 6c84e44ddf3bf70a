import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthError } from '../../lib/errors.js';
import { AuthErrorCode } from './authErrors.js';

/** The only shared-token scheme so far; a client states it so that a later scheme can be told apart. */
export const BEARER_AUTH_VERSION = 1;

export interface BearerCredentials {
  authVersion: number;
  token: string;
}

/**
 * Checks a shared bearer token (QPC_AUTH_TOKEN) in constant time. Both sides are hashed first so that
 * the comparison takes the same time whatever the presented length.
 */
export class BearerTokenVerifier {
  private readonly expectedDigest: Buffer | undefined;

  constructor(configuredToken: string | undefined) {
    this.expectedDigest = configuredToken === undefined ? undefined : digest(configuredToken);
  }

  /** False when no token is configured: bearer auth is then off and every attempt fails. */
  get enabled(): boolean {
    return this.expectedDigest !== undefined;
  }

  /** Undefined when accepted, otherwise an AuthError (AUTH_BEARER_INVALID). */
  verify(credentials: BearerCredentials): AuthError | undefined {
    const presented = digest(credentials.token);
    const matches = this.expectedDigest !== undefined && timingSafeEqual(presented, this.expectedDigest);
    if (credentials.authVersion === BEARER_AUTH_VERSION && matches) return undefined;
    return new AuthError(AuthErrorCode.BearerInvalid, 'the bearer token is not valid', {
      hint: `Use auth version ${BEARER_AUTH_VERSION} with the token from QPC_AUTH_TOKEN.`,
    });
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}
