import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { FloodPenalty } from './floodPenalty.js';
import { DEFAULT_SHUT_OUT_MS, RequestRateLimits } from './requestRateLimits.js';

describe('FloodPenalty', () => {
  it('shuts an address out at the nth refusal within one second, for penaltyMs', () => {
    const clock = new ManualClock(0);
    const penalty = new FloodPenalty({ refusalsPerSecond: 3, penaltyMs: 5_000, clock });
    expect(penalty.noteRefused('a')).toBeUndefined();
    expect(penalty.noteRefused('a')).toBeUndefined();
    expect(penalty.noteRefused('b')).toBeUndefined(); // another address has its own count
    expect(penalty.noteRefused('a')).toBe(5_000);
    expect(penalty.remainingMs('a')).toBe(5_000);
    expect(penalty.remainingMs('b')).toBe(0);
    clock.advance(4_999);
    expect(penalty.remainingMs('a')).toBe(1);
    clock.advance(1);
    expect(penalty.remainingMs('a')).toBe(0);
    expect(penalty.shutOutCount).toBe(0);
  });

  it('does not shut out an address whose refusals are spread over seconds (a client that backs off)', () => {
    const clock = new ManualClock(0);
    const penalty = new FloodPenalty({ refusalsPerSecond: 3, penaltyMs: 5_000, clock });
    for (let second = 0; second < 20; second += 1) {
      expect(penalty.noteRefused('a')).toBeUndefined();
      expect(penalty.noteRefused('a')).toBeUndefined();
      clock.advance(1_000);
    }
    expect(penalty.remainingMs('a')).toBe(0);
  });

  it('bounds the addresses it counts and forgets finished windows on prune', () => {
    const clock = new ManualClock(0);
    const penalty = new FloodPenalty({ refusalsPerSecond: 2, penaltyMs: 1_000, clock, maxKeys: 2 });
    penalty.noteRefused('a');
    penalty.noteRefused('b');
    expect(penalty.noteRefused('c')).toBeUndefined(); // full of live windows: c is not counted
    expect(penalty.noteRefused('c')).toBeUndefined();
    expect(penalty.remainingMs('c')).toBe(0);
    clock.advance(1_000);
    expect(penalty.noteRefused('c')).toBeUndefined(); // a and b's windows ended: room again
    expect(penalty.noteRefused('c')).toBe(1_000);
    clock.advance(1_000);
    penalty.prune();
    expect(penalty.shutOutCount).toBe(0);
  });
});

describe('RequestRateLimits shut-out', () => {
  it('tells the listener once, refuses the address for the penalty, and leaves other addresses alone', () => {
    const clock = new ManualClock(0);
    const shutOut: [string, number][] = [];
    const limits = new RequestRateLimits({
      perIpPerSecond: 2,
      perAccountPerSecond: 2,
      shutOutAfterRefusals: 3,
      shutOutMs: 7_000,
      clock,
    });
    limits.onShutOut((ip, ms) => shutOut.push([ip, ms]));
    expect(limits.ipRetryAfterMs('192.0.2.1')).toBe(0);
    expect(limits.ipRetryAfterMs('192.0.2.1')).toBe(0);
    expect(limits.ipRetryAfterMs('192.0.2.1')).toBe(1_000);
    expect(limits.ipRetryAfterMs('192.0.2.1')).toBe(1_000);
    expect(shutOut).toEqual([]);
    expect(limits.ipRetryAfterMs('192.0.2.1')).toBe(7_000); // the third refusal
    expect(shutOut).toEqual([['192.0.2.1', 7_000]]);
    clock.advance(2_000); // its request window is free again, but the penalty is not over
    expect(limits.checkIp('192.0.2.1')?.retryAfterMs).toBe(5_000);
    expect(limits.checkIp('192.0.2.2')).toBeUndefined();
    clock.advance(5_000);
    expect(limits.checkIp('192.0.2.1')).toBeUndefined();
    expect(shutOut).toHaveLength(1);
  });

  it('counts refusals the transport made (streams or handshakes over a share) towards the same shut-out', () => {
    const clock = new ManualClock(0);
    const shutOut: string[] = [];
    const limits = new RequestRateLimits({
      perIpPerSecond: 2,
      perAccountPerSecond: 2,
      shutOutAfterRefusals: 3,
      clock,
    });
    limits.onShutOut((ip) => shutOut.push(ip));
    expect(limits.noteRefused('192.0.2.9')).toBeUndefined();
    expect(limits.noteRefused('192.0.2.9')).toBeUndefined();
    expect(limits.noteRefused('192.0.2.9')).toBe(DEFAULT_SHUT_OUT_MS);
    expect(shutOut).toEqual(['192.0.2.9']);
    expect(limits.checkIp('192.0.2.9')?.retryAfterMs).toBe(DEFAULT_SHUT_OUT_MS);
  });
});
