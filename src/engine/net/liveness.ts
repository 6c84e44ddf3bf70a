/**
 * Deadlines counted in time our own event loop actually ran. A client that blocks its event loop
 * (seconds of argon2id or MLS key generation on a starved machine) hears nothing while blocked, and
 * afterwards its timers fire before it reads the packets that arrived meanwhile: a plain timer, or QUIC's
 * own idle timeout, then takes a stall of ours for a dead server, drops a healthy connection, and the
 * heavy work after each reconnect stalls the loop again. Here each tick adds at most two tick lengths,
 * so a stall counts as a moment and the packets waiting behind it are read before a deadline can pass.
 */

/** How often active time is counted. */
export const LIVENESS_TICK_MS = 250;

/** Settings of the server-liveness watch (ServerConnectionOptions.liveness). */
export interface LivenessOptions {
  /** Silence (active time) after which a Ping probes the server. */
  probeAfterMs: number;
  /** Silence (active time) after which the server is taken for dead and the connection dropped. */
  deadAfterMs: number;
}

/** Calls `expired` once `ms` of active time passed, unless cancelled first. Returns the cancel. */
export function activeDeadline(ms: number, expired: () => void): () => void {
  let spent = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    spent += Math.min(now - last, 2 * LIVENESS_TICK_MS);
    last = now;
    if (spent >= ms) {
      clearInterval(timer);
      expired();
    }
  }, LIVENESS_TICK_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Watches one connection: anything received counts as a sign of life (`heard`); after `probeAfterMs`
 * of silence a probe (a Ping) asks for one; after `deadAfterMs` of silence `dead` is called once.
 */
export class LivenessWatch {
  private timer: NodeJS.Timeout | undefined;
  private silentMs = 0;
  private last = 0;
  private probing = false;

  constructor(
    private readonly options: LivenessOptions,
    private readonly probe: () => Promise<unknown>,
    private readonly dead: () => void,
  ) {}

  start(): void {
    this.stop();
    this.silentMs = 0;
    this.last = Date.now();
    this.timer = setInterval(() => this.tick(), LIVENESS_TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Something arrived from the server. */
  heard(): void {
    this.silentMs = 0;
  }

  private tick(): void {
    const now = Date.now();
    this.silentMs += Math.min(now - this.last, 2 * LIVENESS_TICK_MS);
    this.last = now;
    if (this.silentMs >= this.options.deadAfterMs) {
      this.stop();
      this.dead();
      return;
    }
    if (this.silentMs >= this.options.probeAfterMs && !this.probing) {
      this.probing = true;
      // Any answer (an error included) is heard by the connection; a probe that fails leaves the
      // silence counting, which is the point.
      void this.probe()
        .catch(() => undefined)
        .finally(() => {
          this.probing = false;
        });
    }
  }
}
