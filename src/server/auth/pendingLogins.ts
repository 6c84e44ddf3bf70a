import type { Clock } from '../../lib/clock.js';
import { toHex } from '../../lib/bytes.js';
import { AuthError } from '../../lib/errors.js';
import type { RandomBytes } from '../serverDeps.js';
import { AuthErrorCode } from './authErrors.js';

/** What the server remembers between the two OPAQUE login messages. */
export interface PendingLogin {
  /** Undefined for an unknown username: the login runs against a dummy record and always fails. */
  userId: number | undefined;
  username: string;
  serverLoginState: string;
  expiresAt: number;
}

/**
 * OPAQUE server login states, in memory, keyed by a random login id, for a short time. Bounded in
 * number so that a flood of half-finished logins cannot exhaust memory. A state is taken once.
 */
export class PendingLogins {
  private readonly states = new Map<string, PendingLogin>();

  constructor(
    private readonly deps: { clock: Clock; randomBytes: RandomBytes; ttlMs: number; maxPending: number },
  ) {}

  get size(): number {
    return this.states.size;
  }

  add(login: Omit<PendingLogin, 'expiresAt'>): string {
    this.prune();
    if (this.states.size >= this.deps.maxPending) {
      throw new AuthError(AuthErrorCode.TooManyPendingLogins, 'the server is busy with other logins', {
        hint: 'Try again in a minute.',
      });
    }
    const loginId = toHex(this.deps.randomBytes(16));
    this.states.set(loginId, { ...login, expiresAt: this.deps.clock.now() + this.deps.ttlMs });
    return loginId;
  }

  /** Remove and return the state, or undefined if unknown or expired. */
  take(loginId: string): PendingLogin | undefined {
    const login = this.states.get(loginId);
    if (login === undefined) return undefined;
    this.states.delete(loginId);
    return login.expiresAt > this.deps.clock.now() ? login : undefined;
  }

  prune(): void {
    const now = this.deps.clock.now();
    for (const [loginId, login] of this.states) {
      if (login.expiresAt <= now) this.states.delete(loginId);
    }
  }
}
