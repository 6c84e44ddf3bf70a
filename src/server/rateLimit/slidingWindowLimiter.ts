import type { Clock } from '../../lib/clock.js';
import { RateLimitError } from '../../lib/errors.js';

export const RateLimitErrorCode = {
  PerIp: 'RATE_LIMITED_IP',
  PerAccount: 'RATE_LIMITED_ACCOUNT',
  /** Account creations (RegisterFinish) per source IP: the budget that makes probing names slow. */
  Registration: 'RATE_LIMITED_REGISTRATION',
} as const;

export type RateLimitErrorCode = (typeof RateLimitErrorCode)[keyof typeof RateLimitErrorCode];

export interface SlidingWindowOptions {
  /** Requests allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
  clock: Clock;
  code: RateLimitErrorCode;
  /** Most keys tracked at once; beyond it idle keys are dropped, then the oldest. Bounds memory under a flood. */
  maxKeys?: number;
}

/**
 * An exact sliding-window limiter: per key, the times of the accepted requests in the last window
 * (at most `limit` of them). A request is accepted when fewer than `limit` were accepted in the
 * preceding `windowMs`; rejected requests are not counted, so a client that backs off recovers.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly maxKeys: number;

  constructor(private readonly options: SlidingWindowOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new RangeError('limit must be >= 1');
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Record a request for `key`; undefined if allowed, otherwise a RateLimitError with retryAfterMs. */
  check(key: string): RateLimitError | undefined {
    const retryAfterMs = this.hit(key);
    if (retryAfterMs === 0) return undefined;
    return new RateLimitError(this.options.code, 'too many requests', retryAfterMs, {
      hint: `Wait ${retryAfterMs} ms before the next request.`,
    });
  }

  /**
   * check() without the error object: 0 when the request is allowed (and recorded), otherwise the ms
   * until one would be. The path a flood takes, so it allocates nothing when it refuses.
   */
  hit(key: string): number {
    const now = this.options.clock.now();
    const windowStart = now - this.options.windowMs;
    let times = this.hits.get(key);
    if (times !== undefined) {
      while (times.length > 0 && (times[0] ?? 0) <= windowStart) times.shift();
    } else {
      if (this.hits.size >= this.maxKeys) this.evict(windowStart);
      times = [];
      this.hits.set(key, times);
    }
    if (times.length >= this.options.limit) {
      const oldest = times[0] ?? now;
      return Math.max(1, oldest + this.options.windowMs - now);
    }
    times.push(now);
    return 0;
  }

  /** Number of keys tracked (for tests and a gauge). */
  get trackedKeys(): number {
    return this.hits.size;
  }

  /** Forget keys with no request in the current window. Call periodically. */
  prune(): void {
    this.evict(this.options.clock.now() - this.options.windowMs, false);
  }

  private evict(windowStart: number, forceOne = true): void {
    for (const [key, times] of this.hits) {
      const last = times[times.length - 1];
      if (last === undefined || last <= windowStart) this.hits.delete(key);
    }
    if (forceOne && this.hits.size >= this.maxKeys) {
      // Still full of active keys: drop the one inserted first (Map keeps insertion order).
      const first = this.hits.keys().next();
      if (first.done !== true) this.hits.delete(first.value);
    }
  }
}
