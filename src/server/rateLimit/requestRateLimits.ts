import type { Clock } from '../../lib/clock.js';
import type { RateLimitError } from '../../lib/errors.js';
import { RateLimitErrorCode, SlidingWindowLimiter } from './slidingWindowLimiter.js';

/** Account creations allowed per source IP in REGISTRATION_WINDOW_MS. */
export const DEFAULT_REGISTRATIONS_PER_IP = 10;
export const REGISTRATION_WINDOW_MS = 60_000;

export interface RequestRateLimitsOptions {
  perIpPerSecond: number;
  perAccountPerSecond: number;
  /** RegisterFinish calls per IP per minute (DEFAULT_REGISTRATIONS_PER_IP when absent). */
  registrationsPerIpPerMinute?: number;
  clock: Clock;
  /** Called on every rejection, for rate_limit_hit_total{scope}. */
  onLimited?: (scope: 'ip' | 'account' | 'registration') => void;
}

/** The two limits every request passes: by source IP before auth, by account after it. */
export class RequestRateLimits {
  private readonly perIp: SlidingWindowLimiter;
  private readonly perAccount: SlidingWindowLimiter;
  private readonly registrations: SlidingWindowLimiter;

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
  }

  /** One account creation attempt from `ip` (RegisterFinish), on top of the per-IP request limit. */
  checkRegistration(ip: string): RateLimitError | undefined {
    const limited = this.registrations.check(ip);
    if (limited !== undefined) this.options.onLimited?.('registration');
    return limited;
  }

  checkIp(ip: string): RateLimitError | undefined {
    const limited = this.perIp.check(ip);
    if (limited !== undefined) this.options.onLimited?.('ip');
    return limited;
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
  }
}
