import { describe, expect, it } from 'vitest';
import { activeDeadline, LivenessWatch, LIVENESS_TICK_MS } from './liveness.js';

/** Blocks the event loop, as seconds of argon2id or key generation do on a starved machine. */
function stall(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // busy: nothing else runs meanwhile
  }
}

function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error('condition not met'));
      else setTimeout(check, 10);
    };
    check();
  });
}

describe('activeDeadline', () => {
  it('expires after the time given when the loop runs freely', async () => {
    const started = Date.now();
    let expiredAt = 0;
    activeDeadline(600, () => (expiredAt = Date.now()));
    await waitFor(() => expiredAt > 0);
    expect(expiredAt - started).toBeGreaterThanOrEqual(600 - LIVENESS_TICK_MS);
  });

  it('counts a stall longer than the deadline as a moment, so what waited behind it comes first', async () => {
    let expired = false;
    activeDeadline(1_000, () => (expired = true));
    stall(2_500);
    // The answer that arrived during the stall is read in this turn: the deadline has not passed.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, LIVENESS_TICK_MS + 50));
    expect(expired).toBe(false);
    await waitFor(() => expired);
  });

  it('does not fire once cancelled', async () => {
    let expired = false;
    const cancel = activeDeadline(300, () => (expired = true));
    cancel();
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(expired).toBe(false);
  });
});

describe('LivenessWatch', () => {
  it('probes a silent server, and calls it dead only after the whole silence', async () => {
    let probes = 0;
    let dead = false;
    const watch = new LivenessWatch(
      { probeAfterMs: 300, deadAfterMs: 1_200 },
      () => {
        probes += 1;
        return new Promise(() => undefined);
      },
      () => (dead = true),
    );
    const started = Date.now();
    watch.start();
    await waitFor(() => probes === 1);
    expect(dead).toBe(false);
    await waitFor(() => dead);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_200 - LIVENESS_TICK_MS);
    watch.stop();
  });

  it('stays alive while the server answers, through a stall of ours', async () => {
    let dead = false;
    const watch: LivenessWatch = new LivenessWatch(
      { probeAfterMs: 200, deadAfterMs: 800 },
      (): Promise<void> => Promise.resolve().then(() => watch.heard()),
      () => (dead = true),
    );
    watch.start();
    stall(2_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(dead).toBe(false);
    watch.stop();
  });
});
