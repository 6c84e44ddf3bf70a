import type { Clock } from '../../lib/clock.js';
import type { RateLimitError } from '../../lib/errors.js';
import { RateLimitErrorCode, SlidingWindowLimiter } from './slidingWindowLimiter.js';

export interface RequestRateLimitsOptions {
  perIpPerSecond: number;
  perAccountPerSecond: number;
  clock: Clock;
  /** Called on every rejection, for rate_limit_hit_total{scope}. */
  onLimited?: (scope: 'ip' | 'account') => void;
}

/** The two limits every request passes: by source IP before auth, by account after it. */
export class RequestRateLimits {
  private readonly perIp: SlidingWindowLimiter;
  private readonly perAccount: SlidingWindowLimiter;

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
  }
}
