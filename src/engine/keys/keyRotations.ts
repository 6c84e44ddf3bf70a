/**
 * Runs the rotations of the keys the client holds besides MLS's own: the sealed-sender access key (on a
 * member's removal, on a schedule, on demand) and the hybrid key pair (on a schedule, on demand), and
 * deletes retired hybrid keys whose grace period is over. One rotation at a time; scheduled ones are
 * checked when a session starts and on a timer while the engine runs.
 */
import { wipeHybridPrivateKey } from '../crypto/hybridKeys.js';
import type { ClientContext, LoadedIdentity } from '../client/clientContext.js';
import { publishPendingHybridKey } from '../client/localIdentity.js';
import { accessKeyRotationDue, rotateAccessKey } from './accessKeyRotation.js';
import { hybridRotationDue, rotateHybridKey } from './hybridKeyRotation.js';
import { DeferredMoveRetry } from './deferredMoveRetry.js';
import { loadRetiredHybridKeys } from './retiredHybridKeys.js';

/** Schedules are days long: a check every ten minutes is plenty and costs a few settings reads. */
const CHECK_INTERVAL_MS = 10 * 60_000;

export interface KeyRotationHooks {
  /** Sends what the rotation queued (the new access key for every group). */
  flush(): void;
  /** Tops up KeyPackages (the server retires ours when a new hybrid key is published). */
  replenish(): Promise<void>;
  /** A timer-driven round failed (the engine logs it and emits backgroundFailed). */
  onError(error: unknown): void;
}

export class KeyRotations {
  private lane: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  /** Deferred identity moves whose commit failed, tried again with backoff (deferredMoveRetry.ts). */
  readonly deferredMoves = new DeferredMoveRetry();

  constructor(
    private readonly context: ClientContext,
    private readonly hooks: KeyRotationHooks,
  ) {}

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lane.then(work, work);
    // The caller gets the failure through `run`; the lane only has to move on to the next rotation.
    this.lane = run.catch(() => undefined);
    return run;
  }

  /** Runs `work` (an identity rotation) in the rotation lane: no other key rotates meanwhile. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial(work);
  }

  /** A new access key, registered and shared in every group. */
  rotateAccessKey(): Promise<void> {
    return this.serial(async () => {
      await rotateAccessKey(this.context);
      this.hooks.flush();
    });
  }

  /** A new hybrid key pair; the old private key stays usable for the grace period. Published when online. */
  rotateHybridKey(): Promise<void> {
    return this.serial(() => this.swapHybridKey(this.context.mls.clock.now()));
  }

  private async swapHybridKey(now: number): Promise<void> {
    const identity = this.context.identity();
    const next = rotateHybridKey(this.context.store, now);
    wipeHybridPrivateKey(identity.hybrid);
    identity.hybrid = next;
    this.reloadRetired(identity, now);
    await this.publishHybridKey();
  }

  /** Publishes a hybrid key a rotation (or a restore) left unpublished, then tops up KeyPackages. */
  private async publishHybridKey(): Promise<void> {
    const connection = this.context.connection();
    const username = this.context.identity().username;
    if (connection?.state !== 'online' || username === null) return;
    if (await publishPendingHybridKey(this.context.store, connection, username)) await this.hooks.replenish();
  }

  private reloadRetired(identity: LoadedIdentity, now: number): void {
    for (const retired of identity.retiredHybrid) wipeHybridPrivateKey(retired);
    identity.retiredHybrid = loadRetiredHybridKeys(this.context.store, now);
  }

  /** Whatever the schedules say is due now; also drops retired hybrid keys past their grace period. */
  runDue(): Promise<void> {
    return this.serial(async () => {
      const now = this.context.mls.clock.now();
      const identity = this.context.identity();
      if (this.context.store.retiredHybridKeys.deleteExpired(now) > 0) this.reloadRetired(identity, now);
      if (identity.username === null) return;
      if (hybridRotationDue(this.context.store, now)) await this.swapHybridKey(now);
      if (accessKeyRotationDue(this.context)) {
        await rotateAccessKey(this.context);
        this.hooks.flush();
      }
    });
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => void this.runDue().catch((error: unknown) => this.hooks.onError(error)),
      CHECK_INTERVAL_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.deferredMoves.stop();
  }
}
