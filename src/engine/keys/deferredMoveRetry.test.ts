import { describe, expect, it } from 'vitest';
import { QpcError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/index.js';
import {
  DEFERRED_MOVE_RETRY_DELAYS_MS,
  DeferredMoveRetry,
  type RetryScheduler,
} from './deferredMoveRetry.js';

/** A clock of timers that fire only when the test says so. */
class FakeTimers {
  readonly scheduled: { ms: number; callback: () => void; cancelled: boolean }[] = [];
  readonly schedule: RetryScheduler = (callback, ms) => {
    const entry = { ms, callback, cancelled: false };
    this.scheduled.push(entry);
    return () => {
      entry.cancelled = true;
    };
  };
  /** Fires the newest timer and lets the attempt it starts settle. */
  async fireNext(): Promise<void> {
    const entry = this.scheduled.at(-1);
    if (entry === undefined || entry.cancelled) throw new Error('no timer waits');
    entry.callback();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const rateLimited = (): QpcError => new QpcError(WireErrorCode.RateLimited, 'too many requests');

describe('DeferredMoveRetry', () => {
  it('tries again after growing delays and stops at the first success', async () => {
    const timers = new FakeTimers();
    const retry = new DeferredMoveRetry(timers.schedule);
    let calls = 0;
    const failures: unknown[] = [];
    retry.retry(
      'g1',
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(rateLimited()) : Promise.resolve(true);
      },
      (error) => failures.push(error),
    );
    expect(calls).toBe(0);
    await timers.fireNext();
    await timers.fireNext();
    await timers.fireNext();
    expect(calls).toBe(3);
    expect(timers.scheduled.map((entry) => entry.ms)).toEqual(DEFERRED_MOVE_RETRY_DELAYS_MS.slice(0, 3));
    expect(retry.pending()).toEqual([]);
    expect(failures).toEqual([]);
  });

  it('reports only the last failure, once, after every delay', async () => {
    const timers = new FakeTimers();
    const retry = new DeferredMoveRetry(timers.schedule, [10, 20]);
    const failures: unknown[] = [];
    let calls = 0;
    retry.retry(
      'g1',
      () => Promise.reject(new QpcError(WireErrorCode.RateLimited, `try ${(calls += 1)}`)),
      (error) => failures.push(error),
    );
    await timers.fireNext();
    expect(failures).toEqual([]);
    expect(retry.pending()).toEqual(['g1']);
    await timers.fireNext();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: WireErrorCode.RateLimited, message: 'try 2' });
    expect(timers.scheduled.map((entry) => entry.ms)).toEqual([10, 20]);
    expect(retry.pending()).toEqual([]);
  });

  it('keeps one retry per group, and stop() cancels it without a report', async () => {
    const timers = new FakeTimers();
    const retry = new DeferredMoveRetry(timers.schedule, [10, 20]);
    const failures: unknown[] = [];
    const attempt = () => Promise.reject(rateLimited());
    retry.retry('g1', attempt, (error) => failures.push(error));
    retry.retry('g1', attempt, (error) => failures.push(error));
    expect(timers.scheduled).toHaveLength(1);
    retry.stop();
    expect(timers.scheduled[0]?.cancelled).toBe(true);
    expect(retry.pending()).toEqual([]);
    // A try already running when the engine stopped schedules nothing more.
    timers.scheduled[0]?.callback();
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers.scheduled).toHaveLength(1);
    expect(failures).toEqual([]);
  });
});
