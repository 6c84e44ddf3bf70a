/**
 * Work the engine starts by itself (after a push, a reconnect, a used KeyPackage, a timer) has no caller
 * to throw to. Every such piece runs through this one helper, so no failure is silent: it reaches the
 * injected logger (the task name and the error code only: nothing secret or personal may reach
 * a log) and a typed `backgroundFailed` event that the TUI shows and a bot can act on.
 */
import { isQpcError } from '../../lib/errors.js';
import type { Logger } from '../../lib/logger.js';
import type { EngineEvent } from './engineTypes.js';

/** What the engine was doing by itself. */
export const BackgroundTask = {
  /** Processing messages the server pushed. */
  incomingPush: 'incomingPush',
  /** Reopening the session after a reconnection: session stream, catch-up, outbox, KeyPackages. */
  resumeSession: 'resumeSession',
  /** Sending a pending commit or Welcome again (after the server's retry-after). */
  pendingCommits: 'pendingCommits',
  /** Uploading KeyPackages when the server holds too few. */
  replenishKeyPackages: 'replenishKeyPackages',
  /** Committing a proposal another member sent (their Remove of themselves). */
  commitProposals: 'commitProposals',
  /** Sending what waits in the outbox. */
  flushOutbox: 'flushOutbox',
  /** Automatic self-updates of the healing policy. */
  selfUpdates: 'selfUpdates',
  /** Registering our sealed-sender access key with the server. */
  sealedAccess: 'sealedAccess',
  /** Rotating our access key or hybrid key (a member removed, a schedule). */
  keyRotation: 'keyRotation',
  /** Moving our leaf to the rotated identity key once a group where we were alone has a second member. */
  identityMove: 'identityMove',
  /** Sending our answers to invites, or removing an invitee who declined ours (inviteNotices.ts). */
  inviteNotices: 'inviteNotices',
  /** Reporting a sealed envelope we could not open, or acting on a member's report (sealedReports.ts). */
  sealedReports: 'sealedReports',
  /** Closing the sealed-sender connection at shutdown. */
  closeSealedChannel: 'closeSealedChannel',
} as const;

export type BackgroundTaskName = (typeof BackgroundTask)[keyof typeof BackgroundTask];

/** The code reported for a failure that is not one of ours (a bug, a library's plain Error). */
export const UNEXPECTED_BACKGROUND_ERROR = 'UNEXPECTED';

export class BackgroundWork {
  constructor(
    readonly logger: Logger,
    private readonly emit: (event: EngineEvent) => void,
  ) {}

  /** Starts `work` without waiting for it; a failure is reported, never thrown. */
  run(task: BackgroundTaskName, work: () => Promise<unknown>): void {
    void this.settle(task, work);
  }

  /** Runs `work` and waits for it; a failure is reported and resolves with false instead of throwing. */
  async settle(task: BackgroundTaskName, work: () => Promise<unknown>): Promise<boolean> {
    try {
      await work();
      return true;
    } catch (error) {
      this.report(task, error);
      return false;
    }
  }

  /** A failure of background work: one log line and one event. */
  report(task: BackgroundTaskName, error: unknown): void {
    const code = isQpcError(error) ? error.code : UNEXPECTED_BACKGROUND_ERROR;
    // The error's class name is safe to log; its message may hold a username or an address.
    const errorName = error instanceof Error ? error.name : typeof error;
    this.logger.warn({ event: 'backgroundFailed', task, code, errorName }, 'background work failed');
    const message = error instanceof Error ? error.message : String(error);
    const hint = isQpcError(error) ? error.hint : undefined;
    this.emit({
      type: 'backgroundFailed',
      task,
      code,
      message,
      ...(hint === undefined ? {} : { hint }),
    });
  }
}
