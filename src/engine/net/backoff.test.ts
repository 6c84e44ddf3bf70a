import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from './backoff.js';

describe('backoffDelayMs', () => {
  const options = { initialDelayMs: 100, maxDelayMs: 5_000 };

  it('doubles the ceiling per attempt and stays within [ceiling/2, ceiling]', () => {
    expect(backoffDelayMs(0, { ...options, random: () => 0 })).toBe(50);
    expect(backoffDelayMs(0, { ...options, random: () => 0.999999 })).toBe(100);
    expect(backoffDelayMs(3, { ...options, random: () => 0 })).toBe(400);
    expect(backoffDelayMs(3, { ...options, random: () => 0.5 })).toBe(600);
  });

  it('never exceeds maxDelayMs, even after many attempts', () => {
    for (const attempt of [10, 50, 1000]) {
      expect(backoffDelayMs(attempt, { ...options, random: () => 0.999999 })).toBeLessThanOrEqual(5_000);
      expect(backoffDelayMs(attempt, { ...options, random: () => 0 })).toBe(2_500);
    }
  });

  it('spreads clients apart (jitter)', () => {
    const delays = new Set([0.1, 0.4, 0.7].map((r) => backoffDelayMs(4, { ...options, random: () => r })));
    expect(delays.size).toBe(3);
  });
});
