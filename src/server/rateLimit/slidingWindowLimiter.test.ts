import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { RateLimitError } from '../../lib/errors.js';
import { RequestRateLimits } from './requestRateLimits.js';
import { SlidingWindowLimiter } from './slidingWindowLimiter.js';

function limiter(limit: number, clock: ManualClock, maxKeys?: number) {
  return new SlidingWindowLimiter({ limit, windowMs: 1000, clock, code: 'RATE_LIMITED_IP', maxKeys });
}

describe('SlidingWindowLimiter', () => {
  it('allows `limit` requests per window and says when the next one will pass', () => {
    const clock = new ManualClock(10_000);
    const ip = limiter(3, clock);
    expect(ip.check('a')).toBeUndefined();
    clock.advance(200);
    expect(ip.check('a')).toBeUndefined();
    expect(ip.check('a')).toBeUndefined();
    clock.advance(100);
    const limited = ip.check('a');
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited?.code).toBe('RATE_LIMITED_IP');
    expect(limited?.retryAfterMs).toBe(700); // the first hit, at 10_000, leaves the window at 11_000

    clock.advance(699);
    expect(ip.check('a')).toBeInstanceOf(RateLimitError);
    clock.advance(1);
    expect(ip.check('a')).toBeUndefined();
  });

  it('slides rather than resetting at fixed boundaries', () => {
    const clock = new ManualClock(0);
    const ip = limiter(2, clock);
    clock.advance(900);
    ip.check('a');
    ip.check('a');
    clock.advance(200); // a fixed window would have reset at 1000
    expect(ip.check('a')).toBeInstanceOf(RateLimitError);
  });

  it('keeps keys apart and bounds the number tracked', () => {
    const clock = new ManualClock(0);
    const ip = limiter(1, clock, 2);
    expect(ip.check('a')).toBeUndefined();
    expect(ip.check('b')).toBeUndefined();
    expect(ip.check('a')).toBeInstanceOf(RateLimitError);
    expect(ip.check('c')).toBeUndefined();
    expect(ip.trackedKeys).toBe(2);
    clock.advance(1000);
    ip.prune();
    expect(ip.trackedKeys).toBe(0);
  });
});

describe('RequestRateLimits', () => {
  it('applies the per-IP and per-account limits separately and reports each hit', () => {
    const clock = new ManualClock(0);
    const hits: string[] = [];
    const limits = new RequestRateLimits({
      perIpPerSecond: 50,
      perAccountPerSecond: 2,
      clock,
      onLimited: (scope) => hits.push(scope),
    });
    for (let i = 0; i < 50; i++) expect(limits.checkIp('192.0.2.1')).toBeUndefined();
    expect(limits.checkIp('192.0.2.1')?.code).toBe('RATE_LIMITED_IP');
    expect(limits.checkIp('192.0.2.2')).toBeUndefined();
    expect(limits.checkAccount(7)).toBeUndefined();
    expect(limits.checkAccount(7)).toBeUndefined();
    expect(limits.checkAccount(7)?.code).toBe('RATE_LIMITED_ACCOUNT');
    expect(hits).toEqual(['ip', 'account']);
  });
});
