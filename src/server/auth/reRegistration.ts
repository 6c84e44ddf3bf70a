import * as opaque from '@serenity-kit/opaque';
import { toHex } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import { AuthError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import { REREGISTRATION_CHALLENGE_BYTES, reRegistrationSignedBytes } from '../../protocol/index.js';
import { verifyEd25519 } from '../app/verifyIdentitySignature.js';
import type { UserDirectory } from '../directory/userDirectory.js';
import { normalizeUsername } from '../directory/usernames.js';
import type { RandomBytes } from '../serverDeps.js';
import { AuthErrorCode } from './authErrors.js';
import type { SessionStore } from './sessionStore.js';

const CHALLENGE_TTL_MS = 60_000;
/** Challenges waiting for their ReRegisterFinish; past it the oldest is dropped (it simply expires early). */
const MAX_PENDING_CHALLENGES = 10_000;

export interface ReRegistrationDeps {
  directory: UserDirectory;
  sessions: SessionStore;
  serverSetup: string;
  /** Generation of `serverSetup` (auth/opaqueSetupGeneration.ts). */
  setupGeneration: number;
  clock: Clock;
  randomBytes: RandomBytes;
  logger: Logger;
}

export interface ReRegistrationOutcome {
  userId: number;
  identityKey: Uint8Array;
  /** Sessions of the account that were ended (the caller's own is kept). */
  sessionsEnded: number;
  /** The account re-registered because its record predated the setup (not a password change). */
  afterSetupRotation: boolean;
}

function refused(message: string): AuthError {
  return new AuthError(AuthErrorCode.ReRegistrationRefused, message);
}

/**
 * Replacing an existing account's OPAQUE record, for two callers with one mechanism: a client whose
 * record predates the server's OPAQUE setup (after `qpc-server rotate opaque-setup`), and a logged-in
 * client changing its password. Both prove they hold the account's identity key by signing a one-time
 * challenge and the new record (protocol/signedBytes.ts); the password change also needs a session of
 * the account, so the identity key alone never replaces a working password. The username, identity
 * key, groups and queued messages stay: only the record changes.
 */
export class ReRegistration {
  /** challenge (hex) -> the username it was issued for and when it expires. */
  private readonly challenges = new Map<string, { username: string; expiresAt: number }>();

  constructor(private readonly deps: ReRegistrationDeps) {}

  start(input: { username: string; registrationRequest: string }): {
    registrationResponse: string;
    challenge: Uint8Array;
  } {
    const username = normalizeUsername(input.username);
    let registrationResponse: string;
    try {
      ({ registrationResponse } = opaque.server.createRegistrationResponse({
        serverSetup: this.deps.serverSetup,
        userIdentifier: username,
        registrationRequest: input.registrationRequest,
      }));
    } catch (error) {
      throw new ValidationError(AuthErrorCode.BadOpaqueMessage, 'the OPAQUE message is malformed', {
        cause: error,
      });
    }
    this.prune();
    const challenge = this.deps.randomBytes(REREGISTRATION_CHALLENGE_BYTES);
    this.challenges.set(toHex(challenge), {
      username,
      expiresAt: this.deps.clock.now() + CHALLENGE_TTL_MS,
    });
    return { registrationResponse, challenge };
  }

  /**
   * Checks the challenge, the signature and the right to re-register, stores the new record under the
   * current setup, and ends the account's other sessions. `callerUserId`/`callerToken`: the session that
   * sent the request, if any (the router already checked it is valid).
   */
  finish(input: {
    username: string;
    registrationRecord: string;
    challenge: Uint8Array;
    identitySignature: Uint8Array;
    callerUserId?: number | undefined;
    callerToken?: string | undefined;
  }): ReRegistrationOutcome {
    const username = normalizeUsername(input.username);
    const key = toHex(input.challenge);
    const issued = this.challenges.get(key);
    this.challenges.delete(key);
    if (issued === undefined || issued.username !== username || issued.expiresAt <= this.deps.clock.now()) {
      throw new AuthError(AuthErrorCode.ChallengeExpired, 'this re-registration challenge is not valid', {
        hint: 'Start the re-registration again.',
      });
    }
    const user = this.deps.directory.findByUsername(username);
    if (user === undefined) throw refused('no such account');
    const signed = reRegistrationSignedBytes(username, input.challenge, input.registrationRecord);
    if (!verifyEd25519(user.identityKey, signed, input.identitySignature)) {
      throw refused("the signature is not the account's identity key's");
    }
    const afterSetupRotation = user.opaqueGeneration < this.deps.setupGeneration;
    const callerOwnsAccount = input.callerUserId === user.userId;
    if (!afterSetupRotation && !callerOwnsAccount) {
      throw refused('changing the password needs a session of this account');
    }
    this.deps.directory.replaceRegistration(user.userId, input.registrationRecord, this.deps.setupGeneration);
    const sessionsEnded = this.deps.sessions.revokeAccount(
      user.userId,
      callerOwnsAccount ? input.callerToken : undefined,
    );
    this.deps.logger.info(
      { event: 'account_reregistered', afterSetupRotation, sessionsEnded },
      'an account replaced its OPAQUE record',
    );
    return { userId: user.userId, identityKey: user.identityKey, sessionsEnded, afterSetupRotation };
  }

  private prune(): void {
    const now = this.deps.clock.now();
    for (const [key, issued] of this.challenges) {
      if (issued.expiresAt <= now) this.challenges.delete(key);
    }
    while (this.challenges.size >= MAX_PENDING_CHALLENGES) {
      const oldest = this.challenges.keys().next().value;
      if (oldest === undefined) break;
      this.challenges.delete(oldest);
    }
  }
}
