/**
 * A deferred identity move (deferredIdentityMove.ts) whose commit failed when our invite gave the group
 * a second member (the server busy: RATE_LIMITED past its own retries, the connection lost) would
 * otherwise wait for our next invite to that group, leaving the new member to see our pre-rotation key.
 * It is tried again in the background, after growing delays; only when the last try fails is the
 * failure reported (a `backgroundFailed` event, through the caller's `onFinalFailure`).
 */

/** Waits before each new try, after a failed first one: 5 s, 30 s, 2 min, 10 min; then it is reported. */
export const DEFERRED_MOVE_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000];

/** Runs `callback` after `ms`; returns what cancels it. Tests pass a fake that fires on demand. */
export type RetryScheduler = (callback: () => void, ms: number) => () => void;

const nodeScheduler: RetryScheduler = (callback, ms) => {
  const timer = setTimeout(callback, ms);
  // A waiting retry must not keep a quitting process alive.
  timer.unref();
  return () => clearTimeout(timer);
};

export class DeferredMoveRetry {
  /** Groups with a retry under way, and what cancels its timer. */
  private readonly waiting = new Map<string, () => void>();
  /** Bumped by stop(): a try that was running then does not schedule another. */
  private generation = 0;

  constructor(
    private readonly schedule: RetryScheduler = nodeScheduler,
    private readonly delaysMs: readonly number[] = DEFERRED_MOVE_RETRY_DELAYS_MS,
  ) {}

  /**
   * Tries `attempt` again after each delay until it resolves; a group that already has a retry under way
   * keeps that one. `onFinalFailure` gets the last try's error.
   */
  retry(groupId: string, attempt: () => Promise<unknown>, onFinalFailure: (error: unknown) => void): void {
    if (this.waiting.has(groupId)) return;
    const generation = this.generation;
    const step = (index: number, lastError: unknown): void => {
      if (generation !== this.generation) return;
      const delay = this.delaysMs[index];
      if (delay === undefined) {
        this.waiting.delete(groupId);
        onFinalFailure(lastError);
        return;
      }
      const cancel = this.schedule(() => {
        attempt().then(
          () => {
            if (generation === this.generation) this.waiting.delete(groupId);
          },
          (error: unknown) => step(index + 1, error),
        );
      }, delay);
      this.waiting.set(groupId, cancel);
    };
    step(0, undefined);
  }

  /** Groups whose move waits for another try. */
  pending(): readonly string[] {
    return [...this.waiting.keys()];
  }

  /** The engine closes or locks: no more tries (the next invite to the group tries again). */
  stop(): void {
    this.generation += 1;
    for (const cancel of this.waiting.values()) cancel();
    this.waiting.clear();
  }
}
