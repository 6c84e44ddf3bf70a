import * as opaque from '@serenity-kit/opaque';
import type { Clock } from '../../lib/clock.js';
import { AuthError, ValidationError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { UserDirectory } from '../directory/userDirectory.js';
import { validateAccountKeys } from '../directory/userDirectory.js';
import { normalizeUsername } from '../directory/usernames.js';
import type { RandomBytes, Sleep } from '../serverDeps.js';
import { AuthErrorCode, invalidCredentials, usernameTaken } from './authErrors.js';
import { PendingLogins } from './pendingLogins.js';
import { ReRegistration } from './reRegistration.js';
import type { IssuedSession, SessionStore } from './sessionStore.js';

/** Every OPAQUE response takes at least this long, so timing tells little about which branch ran. */
export const MIN_AUTH_RESPONSE_MS = 5;
const DEFAULT_LOGIN_TTL_MS = 60_000;
const DEFAULT_MAX_PENDING_LOGINS = 10_000;
const MAX_OPAQUE_MESSAGE_CHARS = 4096;

export interface OpaqueAuthDeps {
  directory: UserDirectory;
  sessions: SessionStore;
  /** The persisted @serenity-kit/opaque server setup (server_state.opaque_setup). */
  serverSetup: string;
  /** Its generation (auth/opaqueSetupGeneration.ts); 0 when absent. */
  setupGeneration?: number;
  clock: Clock;
  randomBytes: RandomBytes;
  sleep: Sleep;
  logger: Logger;
  loginTtlMs?: number;
  maxPendingLogins?: number;
  maxPendingLoginsPerSource?: number;
  /** Called once per failed login or bad message, for the auth_failures metric. */
  onAuthFailure?: (reason: 'invalid_credentials' | 'login_expired' | 'bad_request') => void;
}

export interface LoginSuccess extends IssuedSession {
  userId: number;
  identityKey: Uint8Array;
}

/**
 * Registration and login with OPAQUE (RFC 9807) through @serenity-kit/opaque: the server never sees a
 * password. Call `await opaque.ready` (see `opaqueReady`) before constructing. Every method throws a
 * QpcError subclass with a stable code and resolves no sooner than MIN_AUTH_RESPONSE_MS.
 */
export class OpaqueAuthService {
  private readonly pending: PendingLogins;
  /** ReRegisterStart/ReRegisterFinish: a new record for an existing account (reRegistration.ts). */
  readonly reRegistration: ReRegistration;

  constructor(private readonly deps: OpaqueAuthDeps) {
    this.reRegistration = new ReRegistration({ ...deps, setupGeneration: deps.setupGeneration ?? 0 });
    this.pending = new PendingLogins({
      clock: deps.clock,
      randomBytes: deps.randomBytes,
      ttlMs: deps.loginTtlMs ?? DEFAULT_LOGIN_TTL_MS,
      maxPending: deps.maxPendingLogins ?? DEFAULT_MAX_PENDING_LOGINS,
      maxPendingPerSource: deps.maxPendingLoginsPerSource,
    });
  }

  /**
   * Registration step 1: the client's registrationRequest -> registrationResponse. Stateless, and the
   * same for a taken and a free name (same work, same kind of answer): whether a name is taken is only
   * told at finishRegistration, which claims the name when it is free and is budgeted per IP, so
   * probing names costs an attacker as much as registering them (docs/threat-model.md).
   */
  startRegistration(input: {
    username: string;
    registrationRequest: string;
  }): Promise<{ registrationResponse: string }> {
    return this.padded(() => {
      const username = normalizeUsername(input.username);
      const { registrationResponse } = this.opaqueCall(() =>
        opaque.server.createRegistrationResponse({
          serverSetup: this.deps.serverSetup,
          userIdentifier: username,
          registrationRequest: bounded(input.registrationRequest),
        }),
      );
      return { registrationResponse };
    });
  }

  /** Registration step 2: store the record and bind the username to the identity and hybrid keys. */
  finishRegistration(input: {
    username: string;
    registrationRecord: string;
    identityKey: Uint8Array;
    hybridKey: Uint8Array;
  }): Promise<{ userId: number }> {
    return this.padded(() => {
      const username = normalizeUsername(input.username);
      validateAccountKeys(input.identityKey, input.hybridKey);
      const outcome = this.deps.directory.insert({
        username,
        registrationRecord: bounded(input.registrationRecord),
        identityKey: input.identityKey,
        hybridKey: input.hybridKey,
        createdAt: this.deps.clock.now(),
        opaqueGeneration: this.deps.setupGeneration ?? 0,
      });
      if (outcome === 'username-taken') throw usernameTaken();
      if (outcome === 'identity-key-taken') {
        throw new AuthError(AuthErrorCode.IdentityKeyTaken, 'this identity key belongs to another account');
      }
      this.deps.logger.info({ event: 'user_registered' }, 'an account was registered');
      return { userId: outcome };
    });
  }

  /**
   * Login step 1. An unknown username runs the same OPAQUE computation against no record (the library
   * then answers with a fake response), so the reply looks the same and costs about the same.
   */
  startLogin(input: {
    username: string;
    startLoginRequest: string;
    /** The source IP, for its share of pending logins; never logged. */
    source?: string;
  }): Promise<{ loginId: string; loginResponse: string }> {
    return this.padded(() => {
      let username: string;
      try {
        username = normalizeUsername(input.username);
      } catch {
        username = input.username.slice(0, 64); // still answer like for any unknown name
      }
      this.pending.assertRoom(input.source ?? '');
      const user = this.deps.directory.findByUsername(username);
      if (user !== undefined && user.opaqueGeneration < (this.deps.setupGeneration ?? 0)) {
        // Usernames are public (LookupUser), so saying this one exists tells nothing new; saying why
        // no password works lets its owner re-register in place instead of failing forever.
        throw new AuthError(
          AuthErrorCode.ReRegistrationRequired,
          "this account was registered before the server's login keys were replaced",
          { hint: 'Log in again with qpc: it re-registers the account in place with its identity key.' },
        );
      }
      const { serverLoginState, loginResponse } = this.opaqueCall(() =>
        opaque.server.startLogin({
          serverSetup: this.deps.serverSetup,
          userIdentifier: username,
          registrationRecord: user?.registrationRecord,
          startLoginRequest: bounded(input.startLoginRequest),
        }),
      );
      const loginId = this.pending.add({
        userId: user?.userId,
        username,
        serverLoginState,
        source: input.source ?? '',
      });
      return { loginId, loginResponse };
    });
  }

  /** Login step 2: verify the client's proof and issue a session bound to the account's identity key. */
  finishLogin(input: { loginId: string; finishLoginRequest: string }): Promise<LoginSuccess> {
    return this.padded(() => {
      const login = this.pending.take(input.loginId);
      if (login === undefined) {
        this.deps.onAuthFailure?.('login_expired');
        throw new AuthError(AuthErrorCode.LoginExpired, 'this login attempt expired', {
          hint: 'Log in again.',
        });
      }
      let verified = false;
      try {
        opaque.server.finishLogin({
          serverLoginState: login.serverLoginState,
          finishLoginRequest: bounded(input.finishLoginRequest),
        });
        verified = true;
      } catch {
        // finishLogin throws on a wrong password and on a forged message alike: both are a failed
        // login, answered and counted below like an unknown user.
        verified = false;
      }
      const user = login.userId === undefined ? undefined : this.deps.directory.findById(login.userId);
      if (!verified || user === undefined) {
        this.deps.onAuthFailure?.('invalid_credentials');
        throw invalidCredentials();
      }
      const session = this.deps.sessions.create(user.userId, user.identityKey);
      return { ...session, userId: user.userId, identityKey: user.identityKey };
    });
  }

  /** Number of logins between step 1 and step 2 (for tests and a gauge). */
  get pendingLoginCount(): number {
    return this.pending.size;
  }

  private opaqueCall<T>(call: () => T): T {
    try {
      return call();
    } catch (error) {
      this.deps.onAuthFailure?.('bad_request');
      throw new ValidationError(AuthErrorCode.BadOpaqueMessage, 'the OPAQUE message is malformed', {
        cause: error,
      });
    }
  }

  /** Run `work`, then wait until MIN_AUTH_RESPONSE_MS has passed since the start, on success and failure. */
  private async padded<T>(work: () => T): Promise<T> {
    const started = this.deps.clock.now();
    try {
      return work();
    } finally {
      const remaining = MIN_AUTH_RESPONSE_MS - (this.deps.clock.now() - started);
      if (remaining > 0) await this.deps.sleep(remaining);
    }
  }
}

/** Resolves once the OPAQUE WebAssembly module is loaded. */
export const opaqueReady: Promise<void> = opaque.ready;

/** A new OPAQUE server setup, for server_state on first start. Needs `opaqueReady`. */
export function createOpaqueServerSetup(): string {
  return opaque.server.createSetup();
}

function bounded(message: string): string {
  if (message.length > MAX_OPAQUE_MESSAGE_CHARS) {
    throw new ValidationError(AuthErrorCode.BadOpaqueMessage, 'the OPAQUE message is too long');
  }
  return message;
}
