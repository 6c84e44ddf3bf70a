/**
 * Sends what waits in the persisted outbox, oldest first, exactly once: each entry keeps its
 * client_message_id across retries and restarts, and the server answers a repeated id with its first
 * answer without enqueueing again. The MLS encryption happens at send time, in the group's current epoch.
 */
import { ClientErrorCode } from './clientErrors.js';
import { fromHex, toHex } from '../../lib/bytes.js';
import { NetworkError, QpcError, RateLimitError, StorageError } from '../../lib/errors.js';
import { Method, WireErrorCode, type DeliveryReceipt } from '../../protocol/index.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { randomBytes } from 'node:crypto';
import { wipe } from '../../lib/bytes.js';
import type { GroupRecord } from '../store/types.js';
import type { ChatMessage } from './engineTypes.js';
import { chatMessageOf } from './clientContext.js';
import { encodeApplicationContent, messageIdFor } from './payloads.js';
import { padToBucket } from '../privacy/padding.js';
import { traceHop } from '../../lib/trace.js';
import { recordDeliveryProofs } from '../proofs/deliveryProofs.js';
import { isControlPayload } from './sealedReports.js';

export interface SealedSending {
  enabled(): boolean;
  /** The recipient's access key (a copy the caller wipes), or undefined when not known. */
  accessKeyOf(identityKey: Uint8Array): Uint8Array | undefined;
  /** Returns the envelope sent and the server's delivery proof for it (absent from an older server). */
  send(
    recipient: Uint8Array,
    accessKey: Uint8Array,
    mlsMessage: Uint8Array,
    about?: { messageId: string; groupId: string },
  ): Promise<{ envelope: Uint8Array; receipt: DeliveryReceipt | undefined }>;
}

export interface FlushResult {
  sent: number;
  pending: number;
}

export class OutboxSender {
  private running: Promise<FlushResult> | undefined;
  private again = false;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Called for each application message that went out to at least one member (healing counts them). */
  onSent: (groupId: string) => void = () => undefined;
  /** Called when a flush started by the retry timer fails (it has no caller): the engine reports it. */
  onRetryFailed: (error: unknown) => void = () => undefined;
  /** Sealed sending (sealedSender.ts), set by the engine; undefined: every message goes by Enqueue. */
  sealed: SealedSending | undefined;

  constructor(private readonly context: ClientContext) {}

  /** Starts a flush, or asks the running one to look again when it is done. */
  flush(): Promise<FlushResult> {
    this.again = true;
    this.running ??= this.loop();
    return this.running;
  }

  private retryLater(afterMs: number): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.flush().catch((error: unknown) => this.onRetryFailed(error));
      },
      Math.max(50, Math.min(afterMs || 1_000, 60_000)),
    );
    this.retryTimer.unref();
  }

  /**
   * Sends to every recipient whose access key we know with SealedSend; returns those left for a normal
   * Enqueue (no key known, sealed sender off, or a key the recipient has since revoked). Each sealed
   * copy's delivery proof is kept like an Enqueue's; `proven` counts those kept.
   */
  private async sendSealed(
    recipients: Uint8Array[],
    ciphertext: Uint8Array,
    message: { messageId: string; groupId: string; chat: boolean },
  ): Promise<{ plain: Uint8Array[]; proven: number }> {
    const sealed = this.sealed;
    if (sealed === undefined || !sealed.enabled()) return { plain: recipients, proven: 0 };
    const plain: Uint8Array[] = [];
    let proven = 0;
    for (const recipient of recipients) {
      const accessKey = sealed.accessKeyOf(recipient);
      if (accessKey === undefined) {
        plain.push(recipient);
        continue;
      }
      try {
        const { envelope, receipt } = await sealed.send(
          recipient,
          accessKey,
          ciphertext,
          message.chat ? message : undefined,
        );
        if (receipt !== undefined) {
          proven += await this.keepProofs({
            ...message,
            recipients: [recipient],
            payload: envelope,
            receipts: [receipt],
          });
        }
      } catch (error) {
        if (!(error instanceof QpcError) || error.code !== WireErrorCode.SealedAccessDenied) throw error;
        plain.push(recipient);
      } finally {
        wipe(accessKey);
      }
    }
    return { plain, proven };
  }

  /** Stops a pending rate-limit retry (the engine is closing). */
  cancelRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private async loop(): Promise<FlushResult> {
    let sent = 0;
    try {
      while (this.again) {
        this.again = false;
        const result = await this.flushOnce();
        sent += result.sent;
        if (result.stalled) break;
      }
    } finally {
      // Cleared in the same turn as the last check of `again`: no flush request can fall in between.
      this.running = undefined;
    }
    return { sent, pending: this.context.store.outbox.count() };
  }

  private async flushOnce(): Promise<{ sent: number; stalled: boolean }> {
    const { context } = this;
    const own = ownIdentityHex(context);
    let sent = 0;
    // Groups with a commit of ours still waiting for the server: their messages wait too, so nothing is
    // encrypted in an epoch about to end (the commit's resolution flushes again).
    const held = new Set(
      context.store.pendingCommits
        .list()
        .filter((pending) => pending.stage === 'commit')
        .map((pending) => pending.groupId),
    );
    for (const entry of context.store.outbox.list()) {
      const connection = context.connection();
      if (connection === undefined || connection.state !== 'online') return { sent, stalled: true };
      if (held.has(entry.groupId)) continue;
      if (!context.groups.has(entry.groupId)) {
        // The group is gone (we left or were removed): the message can never go out.
        context.store.outbox.delete(entry.id);
        context.emit({
          type: 'deliveryStateChanged',
          groupId: entry.groupId,
          messageId: entry.id,
          state: 'failed',
        });
        continue;
      }
      const session = await context.groups.session(entry.groupId);
      const recipients = session.info().members.filter((member) => toHex(member) !== own);
      const messageId = messageIdOfOutbox(context, entry.id);
      let proven = 0;
      try {
        if (recipients.length > 0) {
          // The attempt is counted in the transaction that makes the advanced MLS state durable.
          const ciphertext = await session.sendMessage(entry.payload, {
            record: false,
            alsoWrite: () => context.store.outbox.recordAttempt(entry.id),
          });
          traceHop('client.encrypted');
          const sealedOutcome = await this.sendSealed(recipients, ciphertext, {
            messageId,
            groupId: entry.groupId,
            chat: !isControlPayload(entry.payload),
          });
          const { plain } = sealedOutcome;
          proven = sealedOutcome.proven;
          if (plain.length > 0) {
            const payload = padToBucket(ciphertext);
            const { receipts } = await connection.request(Method.Enqueue, {
              recipientIdentityKeys: plain,
              payload,
              clientMessageId: fromHex(entry.id),
            });
            proven += await this.keepProofs({
              messageId,
              groupId: entry.groupId,
              recipients: plain,
              payload,
              receipts,
            });
          }
          this.onSent(entry.groupId);
        }
      } catch (error) {
        if (error instanceof RateLimitError) this.retryLater(error.retryAfterMs);
        // Offline: the reconnect flushes again. Rate limited: the timer above does.
        if (error instanceof NetworkError || error instanceof RateLimitError) return { sent, stalled: true };
        // Not a refusal of the message: a full disk or a broken store (the entry stays, and the caller,
        // e.g. `qpc send`, reports the typed StorageError), or a bug.
        if (!(error instanceof QpcError) || error instanceof StorageError) throw error;
        // Refused for good (e.g. a recipient no longer exists): report instead of retrying forever.
        context.store.outbox.delete(entry.id);
        context.emit({ type: 'deliveryStateChanged', groupId: entry.groupId, messageId, state: 'failed' });
        continue;
      }
      context.store.outbox.delete(entry.id);
      sent += 1;
      context.emit({
        type: 'deliveryStateChanged',
        groupId: entry.groupId,
        messageId,
        state: recipients.length === 0 ? 'noRecipients' : proven > 0 ? 'sent' : 'accepted',
      });
    }
    return { sent, stalled: false };
  }

  /**
   * Keeps the Enqueue's delivery proofs. The message is accepted whatever happens here: a failure to
   * fetch the server's keys or to store a proof only costs the ✓, and is reported, never thrown.
   */
  private async keepProofs(input: Parameters<typeof recordDeliveryProofs>[1]): Promise<number> {
    try {
      return await recordDeliveryProofs(this.context, input);
    } catch (error) {
      this.context.emit({
        type: 'backgroundFailed',
        task: 'deliveryProof',
        code: error instanceof QpcError ? error.code : ClientErrorCode.unexpected,
        message: `the delivery proof of a message in ${input.groupId} could not be kept: ${(error as Error).message}`,
      });
      return 0;
    }
  }
}

/** The stored message id of an outbox entry (see payloads.ts, messageIdFor). */
function messageIdOfOutbox(context: ClientContext, clientMessageIdHex: string): string {
  return messageIdFor(context.identity().mls.signingPublicKey, clientMessageIdHex);
}

/**
 * Writes a new message to the outbox and to the history in one transaction, under a fresh
 * client_message_id that every later retry reuses. Returns it as shown: 'pending'.
 */
export function queueOutgoing(context: ClientContext, group: GroupRecord, text: string): ChatMessage {
  const identity = context.identity();
  const clientMessageId = toHex(new Uint8Array(randomBytes(16)));
  const now = context.mls.clock.now();
  const record = {
    id: messageIdFor(identity.mls.signingPublicKey, clientMessageId),
    groupId: group.groupId,
    sender: toHex(identity.mls.signingPublicKey),
    direction: 'out' as const,
    text,
    epoch: group.epoch,
    sentAt: now,
    receivedAt: now,
  };
  wipe(group.state);
  context.store.transaction(() => {
    context.store.outbox.put({
      id: clientMessageId,
      groupId: group.groupId,
      payload: encodeApplicationContent({ id: clientMessageId, sentAt: now, text }),
      createdAt: now,
      attempts: 0,
    });
    context.store.messages.append(record);
  });
  const sender = { username: identity.username ?? '', identityKey: identity.mls.signingPublicKey };
  const message = chatMessageOf(record, sender, true, 'pending');
  context.emit({ type: 'messageSent', message });
  return message;
}
