/**
 * Everything that arrives in our queue, pushed or fetched, goes through one serial lane: process,
 * persist, then ack (docs/protocol.md, Delivery). Sealed Welcomes join groups; commits advance epochs;
 * application messages are stored once, in the same transaction as the state that read them. What
 * cannot be processed now is sorted by incomingVerdict.ts: an early message (future epoch, group not
 * joined yet) waits on disk and is processed once its commit or Welcome arrives; one that can never be
 * read is dropped with a timeline entry and an `incomingDropped` event; anything else (a disk error, a
 * bug) is not acknowledged: the lane stops there and fetches again later, so nothing is lost.
 */
import { constantTimeEqual, toHex } from '../../lib/bytes.js';
import { QpcError } from '../../lib/errors.js';
import { Method, type QueuedMessage } from '../../protocol/index.js';
import { openWithOwnHybridKeys } from '../keys/retiredHybridKeys.js';
import { mlsErrorCodes, MlsMessageRejected } from '../mls/mlsErrors.js';
import { decodeWholeMlsMessage } from '../mls/wireMessages.js';
import { unpad } from '../privacy/padding.js';
import type { MessageRecord } from '../store/types.js';
import { ClientErrorCode } from './clientErrors.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import {
  advanceCursor,
  holdMessage,
  markGroupRemoved,
  queueCursor,
  recordDrop,
  wasRemovedFrom,
} from './incomingRecords.js';
import { verdictOf } from './incomingVerdict.js';
import { settleUnreadable } from './incomingExpected.js';
import { queueUnopenedReports } from './sealedReports.js';
import { membershipChanges, noteLeaveProposal, recordMembership } from './membershipTimeline.js';
import { PAYLOAD_KIND_INVITE_NOTICE, PAYLOAD_KIND_SEALED_WELCOME } from './payloads.js';
import { discardOutrunPendingCommit } from './pendingCommits.js';
import { joinsAtOnce } from './pendingInvites.js';
import { receiveInviteNotice, type InviteAnswer } from './inviteAnswers.js';
import { queueInviteNotice } from './inviteNotices.js';
import { announceMessage, groupIdOf, writeApplication } from './receivedApplication.js';
import { assertSealedFromMember, SealedSenderRejectedError } from './sealedChecks.js';
import { SEALED_ENVELOPE_AAD } from './sealedSender.js';
import { announceMembership } from './views.js';
import { joinFromWelcome, keepForConsent } from './welcomeIntake.js';
import { applyPeerRotation } from '../keys/identityRotationIntake.js';
import { traceHop } from '../../lib/trace.js';

const FETCH_LIMIT = 100;
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

interface Opened {
  payload: Uint8Array;
  /** The sender's identity key (empty for a sealed message). */
  sender: Uint8Array;
  sealed: boolean;
  welcome: boolean;
  /** An invitee's answer to a Welcome of ours (inviteAnswers.ts). */
  notice?: boolean;
}

export class IncomingProcessor {
  private lane: Promise<unknown> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelayMs = RETRY_FIRST_MS;
  /** A message failed for a reason of ours: pushes wait (unacked) until a fetch gets past it. */
  private blocked = false;
  /** Called after a Welcome consumed one of our KeyPackages. */
  onKeyPackageUsed: () => void = () => undefined;
  /** Called (outside the lane) when a member proposed a change, e.g. its own removal, to commit it. */
  onProposal: (groupId: string) => void = () => undefined;
  /** Called after we joined a group from a Welcome (we then share our access key with the members). */
  onJoined: (groupId: string) => void = () => undefined;
  /** Called (outside the lane) when a commit added members (they learn our access key). */
  onMembersAdded: (groupId: string) => void = () => undefined;
  /** Someone left the group or was removed (our access key must change: keys/accessKeyRotation.ts). */
  onMembersRemoved: (groupId: string) => void = () => undefined;
  /** Called when an answer to an inviter waits to be sent (we joined, or could not open a Welcome). */
  onInviteNoticeQueued: () => void = () => undefined;
  /** Called when reports of an envelope we could not open wait in the outbox. */
  onReportsQueued: () => void = () => undefined;
  /** Called (outside the lane) when an invitee answered an invite of ours. */
  onInviteAnswered: (answer: InviteAnswer) => void = () => undefined;

  constructor(private readonly context: ClientContext) {}

  /** Fetches and processes everything waiting in our queue; resolves with how many were new. */
  drain(): Promise<number> {
    return this.serial(() => this.fetchAll());
  }

  /**
   * Runs work with the lane held, so no incoming commit is applied in the middle of our own commit.
   * Inside it, catch up with `fetchAll` (calling `drain` there would wait for itself).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.serial(work);
  }

  async fetchAll(): Promise<number> {
    const connection = this.context.connection();
    if (connection === undefined) return 0;
    this.blocked = false;
    // Held messages whose epoch or group may have arrived meanwhile (our own commit merged, a restart).
    await this.releaseHeld(undefined);
    let processed = 0;
    for (;;) {
      const page = await connection.request(Method.FetchQueue, {
        afterMessageId: queueCursor(this.context),
        limit: FETCH_LIMIT,
      });
      processed += await this.processBatch(page.messages);
      if (this.blocked || !page.more || page.messages.length === 0) return processed;
    }
  }

  /** Messages from a push; they join the same lane, after any fetch in progress. */
  acceptPush(messages: QueuedMessage[]): Promise<number> {
    return this.serial(() => (this.blocked ? Promise.resolve(0) : this.processBatch(messages)));
  }

  /** Stops a scheduled retry (the engine is closing). */
  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async processBatch(messages: QueuedMessage[]): Promise<number> {
    const connection = this.context.connection();
    const ids: bigint[] = [];
    let processed = 0;
    for (const message of messages) {
      if (message.messageId > queueCursor(this.context)) {
        if (!(await this.processOne(message))) break;
        processed += 1;
      }
      ids.push(message.messageId);
    }
    // Each acked message is stored, held or recorded as dropped. A lost ack only means the server
    // delivers it again, and the cursor skips it: nothing to report.
    if (ids.length > 0 && connection !== undefined) {
      await connection.request(Method.Ack, { messageIds: ids }).catch(() => undefined);
    }
    return processed;
  }

  /** True when the message is settled (processed, held, dropped); false when it must be fetched again. */
  private async processOne(message: QueuedMessage): Promise<boolean> {
    let opened: Opened | undefined;
    try {
      opened = this.open(message);
      const changed = await this.apply(opened);
      advanceCursor(this.context, message.messageId);
      this.retryDelayMs = RETRY_FIRST_MS;
      if (changed !== undefined) await this.releaseHeld(changed);
      return true;
    } catch (error) {
      const verdict = verdictOf(error);
      const groupId = opened === undefined ? '' : groupIdOf(opened.payload);
      switch (verdict.kind) {
        case 'retry':
          this.blocked = true;
          this.retryLater(verdict.code);
          return false;
        case 'hold':
          if (opened !== undefined && groupId !== '') {
            holdMessage(this.context, { ...opened, groupId, code: verdict.code, cursor: message.messageId });
            return true;
          }
          recordDrop(this.context, {
            key: message.messageId.toString(),
            groupId,
            code: verdict.code,
            cursor: message.messageId,
          });
          return true;
        case 'drop':
          if (opened?.welcome === true) this.refuseWelcome(opened, verdict.code);
          // A sealed envelope we cannot open: its unknown sender learns it from a report (sealedReports.ts).
          if (opened === undefined && message.senderIdentityKey.length === 0) {
            if (queueUnopenedReports(this.context, message.payload, verdict.code) > 0) this.onReportsQueued();
          }
          settleUnreadable(
            this.context,
            { key: message.messageId.toString(), groupId, code: verdict.code, cursor: message.messageId },
            opened?.payload,
          );
          return true;
        case 'duplicate':
          advanceCursor(this.context, message.messageId);
          return true;
      }
    }
  }

  /**
   * Processes held messages (of one group, or all) until none moves: a held commit that applies may
   * make the next held message readable. A failure of ours leaves them held and schedules a retry.
   */
  private async releaseHeld(groupId: string | undefined): Promise<void> {
    const { store } = this.context;
    for (let progress = true; progress;) {
      progress = false;
      const held =
        groupId === undefined ? store.heldIncoming.list() : store.heldIncoming.listForGroup(groupId);
      for (const record of held) {
        try {
          await this.apply({
            payload: record.payload,
            sender: new Uint8Array(0),
            sealed: record.sealed,
            welcome: false,
          });
          store.heldIncoming.delete(record.seq);
          progress = true;
        } catch (error) {
          const verdict = verdictOf(error);
          if (verdict.kind === 'hold') continue;
          if (verdict.kind === 'retry') {
            this.retryLater(verdict.code);
            return;
          }
          store.heldIncoming.delete(record.seq);
          if (verdict.kind === 'drop') {
            const drop = { key: `held:${record.seq}`, groupId: record.groupId, code: verdict.code };
            settleUnreadable(this.context, drop, record.payload);
          }
        }
      }
    }
  }

  /** A Welcome that can never be opened: its inviter is told, with the code (inviteNotices.ts). */
  private refuseWelcome(opened: Opened, code: string): void {
    const answer = { inviter: opened.sender, welcome: opened.payload, outcome: 'refused' as const, code };
    queueInviteNotice(this.context, answer);
    this.onInviteNoticeQueued();
  }

  private retryLater(code: string): void {
    this.context.emit({ type: 'incomingDeferred', code });
    if (this.retryTimer !== undefined) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RETRY_MAX_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // A failure here is reported by the next retryLater (same path); the connection's own events
      // report a dead server.
      void this.drain().catch(() => undefined);
    }, delay);
    this.retryTimer.unref();
  }

  /** Unwraps padding and, for a sealed message, the hybrid envelope to us. */
  private open(message: QueuedMessage): Opened {
    // An empty sender marks a sealed message: the padded MLS message is inside a hybrid envelope to us.
    const sealed = message.senderIdentityKey.length === 0;
    const payload = sealed
      ? unpad(openWithOwnHybridKeys(this.context.identity(), message.payload, SEALED_ENVELOPE_AAD))
      : unpad(message.payload);
    if (sealed) traceHop('client.unsealed');
    return {
      payload,
      sender: message.senderIdentityKey,
      sealed,
      welcome: !sealed && payload[0] === PAYLOAD_KIND_SEALED_WELCOME,
      notice: !sealed && payload[0] === PAYLOAD_KIND_INVITE_NOTICE,
    };
  }

  /** Processes one opened message; returns the group whose epoch or membership changed, if any. */
  private async apply(opened: Opened): Promise<string | undefined> {
    if (opened.notice === true) {
      const answer = receiveInviteNotice(this.context, opened.sender, opened.payload);
      if (answer !== undefined) {
        await announceMembership(this.context, answer.entries);
        queueMicrotask(() => this.onInviteAnswered(answer));
      }
      return undefined;
    }
    if (opened.welcome) {
      if (joinsAtOnce(this.context, opened.sender))
        return this.joinFromWelcome(opened.payload, opened.sender);
      keepForConsent(this.context, opened.sender, opened.payload);
      return undefined;
    }
    return this.processGroupMessage(opened.payload, opened.sealed);
  }

  /** Joins from a kept invite (the person accepted it), then reads what waited for the group. */
  acceptInvite(payload: Uint8Array, inviter: Uint8Array): Promise<string> {
    return this.serial(async () => {
      const groupId = await this.joinFromWelcome(payload, inviter);
      await this.releaseHeld(groupId);
      return groupId;
    });
  }

  private joinFromWelcome(payload: Uint8Array, inviter: Uint8Array): Promise<string> {
    return joinFromWelcome(
      this.context,
      { payload, inviter },
      {
        keyPackageUsed: () => this.onKeyPackageUsed(),
        joined: (groupId) => this.onJoined(groupId),
        noticeQueued: () => this.onInviteNoticeQueued(),
      },
    );
  }

  private async processGroupMessage(payload: Uint8Array, sealed: boolean): Promise<string | undefined> {
    const { context } = this;
    const decoded = decodeWholeMlsMessage(payload);
    const groupId = groupIdOf(payload);
    if (groupId === '') throw new QpcError(ClientErrorCode.notGroupMessage, 'not a group message');
    if (!context.groups.has(groupId)) {
      if (wasRemovedFrom(context, groupId)) {
        throw new MlsMessageRejected(mlsErrorCodes.notActive, 'a message for a group we were removed from');
      }
      throw new QpcError(ClientErrorCode.unknownGroup, 'message for a group not joined (yet)');
    }
    const session = await context.groups.session(groupId);
    if (sealed) assertSealedFromMember(decoded.wireformat, session.info().members, payload);
    const membersBefore = session.info().members;
    let stored: MessageRecord | undefined;
    const result = await session.receive(payload, {
      record: false,
      // Inside the transaction that saves the advanced state: the message lands with it or not at all.
      onApplication: (message) => {
        traceHop('client.decrypted');
        if (sealed && !session.info().members.some((member) => constantTimeEqual(member, message.sender))) {
          throw new SealedSenderRejectedError('the sealed message is from someone who is not a member');
        }
        stored = writeApplication(context, groupId, message.sender, message.plaintext, message.epoch);
      },
    });
    traceHop('client.stored');
    if (sealed && !session.info().members.some((member) => constantTimeEqual(member, result.sender))) {
      throw new SealedSenderRejectedError('the sealed message is from someone who is not a member');
    }
    if (result.kind === 'application') {
      if (stored !== undefined) await announceMessage(context, stored, result.sender);
      return undefined;
    }
    if (result.kind === 'removed') {
      const own = ownIdentityHex(context);
      const entries = recordMembership(context, groupId, result.epoch, [
        { event: 'removed', actor: toHex(result.sender), subjects: [own] },
      ]);
      markGroupRemoved(context, groupId, session.info().name);
      context.groups.forget(groupId);
      context.emit({ type: 'groupRemoved', groupId, reason: 'removed' });
      await context.announceGroup(undefined);
      await announceMembership(context, entries);
      return undefined;
    }
    let entries: MessageRecord[] = [];
    if (result.kind === 'commit') {
      discardOutrunPendingCommit(context, groupId, session.info().epoch);
      if (result.rotation !== undefined)
        applyPeerRotation(context, result.rotationChain ?? [result.rotation]);
      const membersAfter = session.info().members;
      const changes = membershipChanges(context, groupId, toHex(result.sender), membersBefore, membersAfter);
      entries = recordMembership(context, groupId, session.info().epoch, changes);
      if (membersAfter.length > membersBefore.length) queueMicrotask(() => this.onMembersAdded(groupId));
      if (lostMember(membersBefore, membersAfter)) queueMicrotask(() => this.onMembersRemoved(groupId));
    }
    if (result.kind === 'proposal') {
      // The engine's members propose only their own removal (a leave): the commit that applies it says 'left'.
      noteLeaveProposal(context, groupId, result.sender);
      queueMicrotask(() => this.onProposal(groupId));
    }
    await context.announceGroup(groupId);
    await announceMembership(context, entries);
    return result.kind === 'commit' ? groupId : undefined;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lane.then(work, work);
    // The caller gets the failure through `run`; the lane only has to move on to the next piece of work.
    this.lane = run.catch(() => undefined);
    return run;
  }
}

/** Does `after` lack any identity key of `before`? */
export function lostMember(before: readonly Uint8Array[], after: readonly Uint8Array[]): boolean {
  const remaining = new Set(after.map(toHex));
  return before.some((member) => !remaining.has(toHex(member)));
}
