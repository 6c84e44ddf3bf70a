/**
 * A LockApi for the TUI tests only: it records locks and unlock attempts, accepts one secret, and hands
 * back the next engine; and an idle timer a test fires by hand, so auto-lock is tested without sleeping.
 */
import { AuthError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/errorCodes.js';
import type { EngineApi } from '../engineApi.js';
import type { LockApi, UnlockSecretKind } from '../lock/lockApi.js';
import type { IdleTimer } from '../lock/lockController.js';

export class FakeLock implements LockApi {
  locks = 0;
  readonly attempts: string[] = [];

  constructor(
    /** The engine an unlock resolves with (a new one, as after a real unlock). */
    public nextEngine: EngineApi,
    readonly secretKind: UnlockSecretKind = 'password',
    public secret = 'correct horse',
  ) {}

  lock(): Promise<void> {
    this.locks += 1;
    return Promise.resolve();
  }

  async unlock(secret: string, progress: (label: string) => void): Promise<EngineApi> {
    this.attempts.push(secret);
    progress('Logging in');
    await Promise.resolve();
    if (secret !== this.secret) throw new AuthError(WireErrorCode.AuthFailed, 'wrong username or password');
    return this.nextEngine;
  }
}

/** One pending timer at most (the idle timer is re-armed, never doubled); `fire` runs it. */
export class ManualIdleTimer {
  delayMs: number | undefined;
  armed = 0;
  cancelled = 0;
  private pending: (() => void) | undefined;

  readonly timer: IdleTimer = (delayMs, fire) => {
    this.armed += 1;
    this.delayMs = delayMs;
    this.pending = fire;
    return () => {
      if (this.pending === fire) {
        this.cancelled += 1;
        this.pending = undefined;
      }
    };
  };

  get isPending(): boolean {
    return this.pending !== undefined;
  }

  fire(): void {
    const fire = this.pending;
    this.pending = undefined;
    if (fire === undefined) throw new Error('no idle timer is pending');
    fire();
  }
}
