import type { Clock } from '../../lib/clock.js';
import { RateLimitError } from '../../lib/errors.js';
import { FloodPenalty } from './floodPenalty.js';
import { RateLimitErrorCode, SlidingWindowLimiter } from './slidingWindowLimiter.js';

/** Account creations allowed per source IP in REGISTRATION_WINDOW_MS. */
export const DEFAULT_REGISTRATIONS_PER_IP = 10;
export const REGISTRATION_WINDOW_MS = 60_000;
/** Refused requests per second, as a multiple of the per-IP limit, after which an address is shut out. */
export const SHUT_OUT_AFTER_REFUSALS_FACTOR = 4;
/** How long an address that kept sending while refused stays shut out. */
export const DEFAULT_SHUT_OUT_MS = 10_000;

export interface RequestRateLimitsOptions {
  perIpPerSecond: number;
  perAccountPerSecond: number;
  /** RegisterFinish calls per IP per minute (DEFAULT_REGISTRATIONS_PER_IP when absent). */
  registrationsPerIpPerMinute?: number;
  /** Refused requests in one second that shut an address out (SHUT_OUT_AFTER_REFUSALS_FACTOR x the limit). */
  shutOutAfterRefusals?: number;
  /** Length of a shut-out (DEFAULT_SHUT_OUT_MS when absent). */
  shutOutMs?: number;
  clock: Clock;
  /** Called on every rejection, for rate_limit_hit_total{scope}. */
  onLimited?: (scope: 'ip' | 'account' | 'registration') => void;
}

/** Told when an address is shut out, to close its connections and drop its handshakes. */
export type ShutOutListener = (ip: string, penaltyMs: number) => void;

/** The two limits every request passes: by source IP before auth, by account after it. */
export class RequestRateLimits {
  private readonly perIp: SlidingWindowLimiter;
  private readonly perAccount: SlidingWindowLimiter;
  private readonly registrations: SlidingWindowLimiter;
  private readonly penalty: FloodPenalty;
  private shutOutListener: ShutOutListener | undefined;

  constructor(private readonly options: RequestRateLimitsOptions) {
    this.perIp = new SlidingWindowLimiter({
      limit: options.perIpPerSecond,
      windowMs: 1000,
      clock: options.clock,
      code: RateLimitErrorCode.PerIp,
    });
    this.perAccount = new SlidingWindowLimiter({
      limit: options.perAccountPerSecond,
      windowMs: 1000,
      clock: options.clock,
      code: RateLimitErrorCode.PerAccount,
    });
    this.registrations = new SlidingWindowLimiter({
      limit: options.registrationsPerIpPerMinute ?? DEFAULT_REGISTRATIONS_PER_IP,
      windowMs: REGISTRATION_WINDOW_MS,
      clock: options.clock,
      code: RateLimitErrorCode.Registration,
    });
    this.penalty = new FloodPenalty({
      refusalsPerSecond:
        options.shutOutAfterRefusals ??
        Math.min(Number.MAX_SAFE_INTEGER, options.perIpPerSecond * SHUT_OUT_AFTER_REFUSALS_FACTOR),
      penaltyMs: options.shutOutMs ?? DEFAULT_SHUT_OUT_MS,
      clock: options.clock,
    });
  }

  /** The transport registers here once it listens: it closes a shut-out address's connections. */
  onShutOut(listener: ShutOutListener): void {
    this.shutOutListener = listener;
  }

  /** One account creation attempt from `ip` (RegisterFinish), on top of the per-IP request limit. */
  checkRegistration(ip: string): RateLimitError | undefined {
    const limited = this.registrations.check(ip);
    if (limited !== undefined) this.options.onLimited?.('registration');
    return limited;
  }

  checkIp(ip: string): RateLimitError | undefined {
    const retryAfterMs = this.ipRetryAfterMs(ip);
    if (retryAfterMs === 0) return undefined;
    return new RateLimitError(RateLimitErrorCode.PerIp, 'too many requests', retryAfterMs, {
      hint: `Wait ${retryAfterMs} ms before the next request.`,
    });
  }

  /**
   * checkIp() without the error object, for the path a flood takes: 0 when the request may go on,
   * otherwise the ms to wait. A shut-out address is refused for the rest of its penalty.
   */
  ipRetryAfterMs(ip: string): number {
    const shutOutMs = this.penalty.remainingMs(ip);
    if (shutOutMs > 0) {
      this.options.onLimited?.('ip');
      return shutOutMs;
    }
    const retryAfterMs = this.perIp.hit(ip);
    if (retryAfterMs === 0) return 0;
    this.options.onLimited?.('ip');
    return this.noteRefused(ip) ?? retryAfterMs;
  }

  /**
   * Counts one refusal of `ip` towards its shut-out: a refused request here, or a stream or handshake the
   * transport refused for being over the address's share. The penalty in ms if this one shut it out.
   */
  noteRefused(ip: string): number | undefined {
    const penaltyMs = this.penalty.noteRefused(ip);
    if (penaltyMs !== undefined) this.shutOutListener?.(ip, penaltyMs);
    return penaltyMs;
  }

  checkAccount(userId: number): RateLimitError | undefined {
    const limited = this.perAccount.check(String(userId));
    if (limited !== undefined) this.options.onLimited?.('account');
    return limited;
  }

  prune(): void {
    this.perIp.prune();
    this.perAccount.prune();
    this.registrations.prune();
    this.penalty.prune();
  }
}
