/**
 * Automatic healing (docs/post-compromise-security.md): each group's own leaf is refreshed by a self-update commit once
 * we sent `maxMessages` application messages in it, or once it is older than `maxAgeMs`, whichever comes
 * first (privacy/selfUpdatePolicy.ts decides; this file keeps the per-group state in the profile's
 * self_update_state table and runs the update). Checked after each flush of the outbox and on a timer while connected.
 */
import {
  dueForSelfUpdate,
  freshSelfUpdateState,
  recordMessageSent,
  recordSelfUpdate,
  selfUpdatePolicy,
  type SelfUpdatePolicy,
  type SelfUpdateState,
} from '../privacy/selfUpdatePolicy.js';
import type { ClientContext } from './clientContext.js';

/** Profile settings of the privacy features (settings table). */
export const PrivacySettingKey = {
  /** Self-update after this many messages sent in a group (default 100). */
  selfUpdateMaxMessages: 'privacy.self_update.max_messages',
  /** Self-update when our leaf is older than this, ms (default 24 h). */
  selfUpdateMaxAgeMs: 'privacy.self_update.max_age_ms',
} as const;

/** How often the timer looks for groups whose leaf got too old (the age limit is hours, not seconds). */
const AGE_CHECK_INTERVAL_MS = 60_000;

export class SelfUpdateScheduler {
  private running: Promise<string[]> | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** `update` commits a self-update in one group (QpcEngine.selfUpdate, which calls `updated`). */
  constructor(
    private readonly context: ClientContext,
    private readonly update: (groupId: string) => Promise<void>,
    /** A timer-driven round failed (the engine reports it: log and backgroundFailed). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  policy(): SelfUpdatePolicy {
    const settings = this.context.store.settings;
    const messages = settings.get(PrivacySettingKey.selfUpdateMaxMessages);
    const age = settings.get(PrivacySettingKey.selfUpdateMaxAgeMs);
    return selfUpdatePolicy({
      ...(messages === undefined ? {} : { maxMessages: Number(messages) }),
      ...(age === undefined ? {} : { maxAgeMs: Number(age) }),
    });
  }

  /** The group's state; a group seen for the first time starts fresh now (and is saved so). */
  stateOf(groupId: string): SelfUpdateState {
    const known = this.context.store.selfUpdateStates.get(groupId);
    if (known !== undefined) return known;
    const fresh = freshSelfUpdateState(this.context.mls.clock.now());
    this.save(groupId, fresh);
    return fresh;
  }

  private save(groupId: string, state: SelfUpdateState): void {
    this.context.store.selfUpdateStates.save(groupId, state);
  }

  /** One application message of ours went out in the group. */
  messageSent(groupId: string): void {
    this.save(groupId, recordMessageSent(this.stateOf(groupId)));
  }

  /** Our leaf in the group was refreshed (an automatic or a manual `/rotate` self-update). */
  updated(groupId: string): void {
    this.save(groupId, recordSelfUpdate(this.stateOf(groupId), this.context.mls.clock.now()));
  }

  /** Groups due now, by the policy. */
  dueGroups(): string[] {
    const policy = this.policy();
    const now = this.context.mls.clock.now();
    return this.context.groups
      .summaries()
      .map((group) => group.id)
      .filter((groupId) => dueForSelfUpdate(this.stateOf(groupId), policy, now).due);
  }

  /** Self-updates every due group, one at a time; resolves with the groups updated. Never runs twice at once. */
  runDue(): Promise<string[]> {
    this.running ??= this.runOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runOnce(): Promise<string[]> {
    const done: string[] = [];
    for (const groupId of this.dueGroups()) {
      const connection = this.context.connection();
      if (connection === undefined || connection.state !== 'online') break;
      // A failed update (offline, conflict retries exhausted) is tried again at the next check.
      await this.update(groupId).then(
        () => done.push(groupId),
        () => undefined,
      );
    }
    return done;
  }

  /** Checks the age limit periodically while connected. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(
      () => void this.runDue().catch((error: unknown) => this.onError(error)),
      AGE_CHECK_INTERVAL_MS,
    );
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
