import type { Clock } from '../../lib/clock.js';
import { toHex } from '../../lib/bytes.js';
import { AuthError, RateLimitError } from '../../lib/errors.js';
import type { RandomBytes } from '../serverDeps.js';
import { AuthErrorCode } from './authErrors.js';

/** What the server remembers between the two OPAQUE login messages. */
export interface PendingLogin {
  /** Undefined for an unknown username: the login runs against a dummy record and always fails. */
  userId: number | undefined;
  username: string;
  serverLoginState: string;
  expiresAt: number;
  /** Who started it, for the per-source share (a source IP); never logged. */
  source: string;
}

/** Pending logins one source IP may hold at once, so one address cannot fill the table for everyone. */
export const DEFAULT_MAX_PENDING_LOGINS_PER_SOURCE = 32;

/**
 * OPAQUE server login states, in memory, keyed by a random login id, for a short time. Bounded in
 * number so that a flood of half-finished logins cannot exhaust memory, and bounded per source IP so
 * that a few addresses cannot take every slot. A state is taken once. There is no per-account share:
 * the username of a LoginStart is not authenticated, so a share per name would let anyone lock a name.
 */
export class PendingLogins {
  private readonly states = new Map<string, PendingLogin>();
  private readonly perSource = new Map<string, number>();

  constructor(
    private readonly deps: {
      clock: Clock;
      randomBytes: RandomBytes;
      ttlMs: number;
      maxPending: number;
      maxPendingPerSource?: number;
    },
  ) {}

  get size(): number {
    return this.states.size;
  }

  /** Throw unless `source` may start one more login; call before the OPAQUE work so a refusal is cheap. */
  assertRoom(source: string): void {
    this.prune();
    if (
      (this.perSource.get(source) ?? 0) >=
      (this.deps.maxPendingPerSource ?? DEFAULT_MAX_PENDING_LOGINS_PER_SOURCE)
    ) {
      throw new RateLimitError(
        AuthErrorCode.TooManyPendingLoginsFromSource,
        'too many logins in progress from this address',
        this.retryAfterFor(source),
        { hint: 'Finish or abandon the logins in progress, then try again.' },
      );
    }
    if (this.states.size >= this.deps.maxPending) {
      throw new AuthError(AuthErrorCode.TooManyPendingLogins, 'the server is busy with other logins', {
        hint: 'Try again in a minute.',
      });
    }
  }

  add(login: Omit<PendingLogin, 'expiresAt'>): string {
    this.assertRoom(login.source);
    const held = this.perSource.get(login.source) ?? 0;
    const loginId = toHex(this.deps.randomBytes(16));
    this.states.set(loginId, { ...login, expiresAt: this.deps.clock.now() + this.deps.ttlMs });
    this.perSource.set(login.source, held + 1);
    return loginId;
  }

  /** Remove and return the state, or undefined if unknown or expired. */
  take(loginId: string): PendingLogin | undefined {
    const login = this.states.get(loginId);
    if (login === undefined) return undefined;
    this.remove(loginId, login);
    return login.expiresAt > this.deps.clock.now() ? login : undefined;
  }

  /** Drop expired states. The map is in insertion order and every state lives ttlMs, so stop at the first live one. */
  prune(): void {
    const now = this.deps.clock.now();
    for (const [loginId, login] of this.states) {
      if (login.expiresAt > now) break;
      this.remove(loginId, login);
    }
  }

  private remove(loginId: string, login: PendingLogin): void {
    this.states.delete(loginId);
    const held = (this.perSource.get(login.source) ?? 1) - 1;
    if (held <= 0) this.perSource.delete(login.source);
    else this.perSource.set(login.source, held);
  }

  /** When the oldest pending login of `source` expires (the earliest a new one from it fits). */
  private retryAfterFor(source: string): number {
    const now = this.deps.clock.now();
    let earliest = now + this.deps.ttlMs;
    for (const login of this.states.values()) {
      if (login.source === source && login.expiresAt < earliest) earliest = login.expiresAt;
    }
    return Math.max(1, earliest - now);
  }
}
