/** The open MLS group sessions of a profile, found by name or id; one session per group at a time. */
import { ValidationError } from '../../lib/errors.js';
import { MlsGroupSession, type MlsEnv } from '../mls/groupSession.js';
import type { GroupRecord, ReadMarkerRepository } from '../store/types.js';
import type { GroupSummary } from './engineTypes.js';
import { ClientErrorCode } from './clientErrors.js';

export class GroupRegistry {
  private readonly sessions = new Map<string, Promise<MlsGroupSession>>();
  private readonly unread = new Map<string, number>();

  /**
   * `sealedSender` says whether our application messages go out sealed (the profile's setting).
   * `readMarkers`, when the store keeps them, makes unread counts survive a restart; without it they
   * are counted in memory from the messages received in this run.
   */
  constructor(
    private readonly env: MlsEnv,
    private readonly sealedSender: () => boolean = () => false,
    private readonly readMarkers?: ReadMarkerRepository,
  ) {}

  /** The session of a stored group, opened once and then reused. */
  session(groupId: string): Promise<MlsGroupSession> {
    let session = this.sessions.get(groupId);
    if (session === undefined) {
      session = MlsGroupSession.open(this.env, groupId);
      // The caller sees a failed open through the returned promise; forgetting it lets the next call retry.
      session.catch(() => this.sessions.delete(groupId));
      this.sessions.set(groupId, session);
    }
    return session;
  }

  has(groupId: string): boolean {
    return this.env.store.groups.get(groupId) !== undefined;
  }

  adopt(session: MlsGroupSession): void {
    this.sessions.set(session.groupId, Promise.resolve(session));
  }

  /** Lock: zeroes the keys of every open session and forgets them (they reopen from the store). */
  async wipeSessions(): Promise<void> {
    const open = [...this.sessions.values()];
    this.sessions.clear();
    for (const pending of open) {
      // A session that failed to open holds no keys: nothing to wipe.
      const session = await pending.catch(() => undefined);
      session?.wipeSecrets();
    }
  }

  /** Drops the cached session, e.g. after restoring an older state into the store. */
  forget(groupId: string): void {
    this.sessions.delete(groupId);
  }

  /** A group by exact name, by id, or by an id prefix of at least 8 hex digits. */
  resolve(reference: string): GroupRecord {
    const groups = this.env.store.groups.list();
    const byName = groups.filter((group) => group.name === reference);
    if (byName.length === 1 && byName[0] !== undefined) return byName[0];
    if (byName.length > 1) {
      throw new ValidationError(
        ClientErrorCode.groupAmbiguous,
        `more than one group is called "${reference}"`,
        {
          hint: 'use the group id from `qpc group list`',
        },
      );
    }
    const lower = reference.toLowerCase();
    const byId = groups.filter(
      (group) => group.groupId === lower || (lower.length >= 8 && group.groupId.startsWith(lower)),
    );
    if (byId.length === 1 && byId[0] !== undefined) return byId[0];
    throw new ValidationError(ClientErrorCode.groupNotFound, `no group "${reference}" in this profile`, {
      hint: 'see `qpc group list`',
    });
  }

  bumpUnread(groupId: string): void {
    // Persistent markers count from the stored messages, which already hold this one.
    if (this.readMarkers !== undefined) return;
    this.unread.set(groupId, (this.unread.get(groupId) ?? 0) + 1);
  }

  markRead(groupId: string): void {
    this.unread.delete(groupId);
    this.readMarkers?.markRead(groupId, this.env.clock.now());
  }

  summaries(): GroupSummary[] {
    const unread = this.readMarkers?.unreadCounts() ?? this.unread;
    const lastMessage = this.readMarkers?.lastMessageAt() ?? new Map<string, number>();
    return this.env.store.groups.list().map((group) => ({
      id: group.groupId,
      name: group.name,
      unread: unread.get(group.groupId) ?? 0,
      // Last activity: the latest commit or message, so a busy group sorts first.
      lastActivity: Math.max(group.updatedAt, lastMessage.get(group.groupId) ?? 0),
      epoch: group.epoch,
      ciphersuite: { name: group.ciphersuite, postQuantum: /XWING|MLKEM/u.test(group.ciphersuite) },
      sealedSender: this.sealedSender(),
    }));
  }
}
