import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { RateLimitError } from '../../lib/errors.js';
import { PendingLogins } from './pendingLogins.js';

const login = (source: string) => ({ userId: 1, username: 'alice', serverLoginState: 'state', source });

describe('PendingLogins', () => {
  it('gives each source its share, so one address cannot fill the table for everyone', () => {
    const clock = new ManualClock(0);
    const pending = new PendingLogins({
      clock,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      ttlMs: 60_000,
      maxPending: 10,
      maxPendingPerSource: 3,
    });
    for (let i = 0; i < 3; i += 1) pending.add(login('10.0.0.1'));
    clock.advance(1_000);
    let refused: unknown;
    try {
      pending.add(login('10.0.0.1'));
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RateLimitError);
    expect((refused as RateLimitError).code).toBe('AUTH_TOO_MANY_PENDING_LOGINS_FROM_SOURCE');
    expect((refused as RateLimitError).retryAfterMs).toBe(59_000);
    // Another address still logs in, and a finished login gives its slot back.
    const other = pending.add(login('10.0.0.2'));
    expect(pending.take(other)?.username).toBe('alice');
    const first = pending.add(login('10.0.0.3'));
    pending.take(first);
    expect(pending.size).toBe(3);
    // Expiry frees the share.
    clock.advance(60_000);
    expect(() => pending.add(login('10.0.0.1'))).not.toThrow();
    expect(pending.size).toBe(1);
  });
});
