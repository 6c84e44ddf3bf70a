import type { Clock } from '../../lib/clock.js';

export interface FloodPenaltyOptions {
  /**
   * Refused requests an address may send in one second before it is shut out. An honest client waits
   * `retry_after_ms` after a refusal, so it sends a few at most; a flood keeps sending.
   */
  refusalsPerSecond: number;
  /** How long a shut-out address stays shut out. */
  penaltyMs: number;
  clock: Clock;
  /** Most addresses tracked at once, so a flood from many addresses holds bounded memory. */
  maxKeys?: number;
}

/** Refusals of one address in the current one-second window. */
interface RefusalWindow {
  startedAt: number;
  count: number;
}

/**
 * Escalation for an address that ignores RATE_LIMITED: refusing each request still costs a stream, a
 * write and QUIC bookkeeping per request, so an address that keeps sending at several times its limit
 * is shut out for `penaltyMs` (its connections closed with a typed reason, its handshakes dropped by the
 * transport). Counting is a fixed window per address: one number and one time, no allocation per refusal.
 */
export class FloodPenalty {
  private readonly refusals = new Map<string, RefusalWindow>();
  private readonly shutOutUntil = new Map<string, number>();
  private readonly maxKeys: number;

  constructor(private readonly options: FloodPenaltyOptions) {
    if (!Number.isInteger(options.refusalsPerSecond) || options.refusalsPerSecond < 1) {
      throw new RangeError('refusalsPerSecond must be >= 1');
    }
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** Counts one refused request from `ip`; the penalty in ms when this one shuts the address out. */
  noteRefused(ip: string): number | undefined {
    const now = this.options.clock.now();
    let window = this.refusals.get(ip);
    if (window === undefined || now - window.startedAt >= 1000) {
      if (window === undefined && this.refusals.size >= this.maxKeys) this.prune();
      if (this.refusals.size >= this.maxKeys) return undefined; // still full: count nobody new
      window = { startedAt: now, count: 0 };
      this.refusals.set(ip, window);
    }
    window.count += 1;
    if (window.count < this.options.refusalsPerSecond) return undefined;
    // Shut out from now: the count starts again when the penalty ends.
    this.refusals.delete(ip);
    this.shutOutUntil.set(ip, now + this.options.penaltyMs);
    return this.options.penaltyMs;
  }

  /** Milliseconds `ip` stays shut out; 0 when it is not. */
  remainingMs(ip: string): number {
    const until = this.shutOutUntil.get(ip);
    if (until === undefined) return 0;
    const left = until - this.options.clock.now();
    if (left > 0) return left;
    this.shutOutUntil.delete(ip);
    return 0;
  }

  /** Addresses shut out right now (for a gauge and tests). */
  get shutOutCount(): number {
    return this.shutOutUntil.size;
  }

  /** Forgets finished windows and penalties. Call periodically. */
  prune(): void {
    const now = this.options.clock.now();
    for (const [ip, window] of this.refusals) if (now - window.startedAt >= 1000) this.refusals.delete(ip);
    for (const [ip, until] of this.shutOutUntil) if (until <= now) this.shutOutUntil.delete(ip);
  }
}
