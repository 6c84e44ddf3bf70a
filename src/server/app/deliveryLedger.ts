import { createHash } from 'node:crypto';
import type { Clock } from '../../lib/clock.js';
import {
  WireErrorCode,
  DEFAULT_MAX_FRAME_BYTES,
  type DeliveryReceipt,
  type QueuedMessage,
} from '../../protocol/index.js';
import type { CommitOrdering } from '../delivery/commitOrdering.js';
import { CommitConflictError, QueueFullError } from '../delivery/deliveryErrors.js';
import { decodeReceiptList, encodeReceiptList, type DeliveryProofs } from '../delivery/deliveryProofs.js';
import type { DeliveryQueues } from '../delivery/deliveryQueues.js';
import type { UserDirectory } from '../directory/userDirectory.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import { WireError } from './wireErrors.js';

/** How long an Enqueue answer is remembered for its client_message_id (docs/protocol.md: at least 24 h). */
export const RECEIPT_TTL_MS = 24 * 3_600_000;
/** Room left in a response frame for the envelope and the FetchQueueResponse framing. */
const FRAME_BUDGET = DEFAULT_MAX_FRAME_BYTES - 4096;
/** Protobuf overhead of one QueuedMessage besides payload and group id (tags, lengths, varints, key). */
const PER_MESSAGE_OVERHEAD = 96;

export interface EnqueueInput {
  sender: Uint8Array;
  recipients: readonly Uint8Array[];
  payload: Uint8Array;
  groupId: Uint8Array | undefined;
  epoch: bigint | undefined;
  clientMessageId: Uint8Array;
}

export interface EnqueueOutcome {
  serverTimeMs: number;
  /** One signed delivery proof per recipient, in request order (the first answer's, on a replay). */
  receipts: DeliveryReceipt[];
  /** The stored copies, one per recipient (empty for an idempotent replay): what gets pushed. */
  stored: { recipient: Uint8Array; message: QueuedMessageInit }[];
}

export interface QueuedMessageInit {
  messageId: bigint;
  payload: Uint8Array;
  senderIdentityKey: Uint8Array;
  receivedAtMs: bigint;
  groupId?: Uint8Array;
  epoch?: bigint;
}

interface MetaRow {
  sender: Buffer;
  group_id: Buffer | null;
  epoch: bigint | null;
}

/**
 * The wire's view of delivery on top of DeliveryQueues and CommitOrdering: sender stamps, commit labels,
 * client_message_id idempotency and frame-sized fetches. Every Enqueue is one IMMEDIATE transaction, so
 * the receipt, the commit label and every recipient's copy are durable together or not at all.
 */
export class DeliveryLedger {
  private readonly statements;

  constructor(
    private readonly db: ServerDatabase,
    private readonly deps: {
      clock: Clock;
      queues: DeliveryQueues;
      commits: CommitOrdering;
      directory: UserDirectory;
      /** Signs a delivery proof for every copy an Enqueue stores. */
      proofs: DeliveryProofs;
      /**
       * Most sealed messages one recipient's queue may hold (default: all of it). Kept under the queue
       * cap so that anonymous senders can never fill a queue and block commits and ordinary messages.
       */
      sealedShare?: number;
    },
  ) {
    this.statements = {
      receipt: db.prepare<
        [Buffer, Buffer, number],
        { server_time_ms: number; delivery_receipts: Buffer | null }
      >(
        'SELECT server_time_ms, delivery_receipts FROM enqueue_receipts WHERE sender = ? AND client_message_id = ? AND created_at > ?',
      ),
      saveReceipt: db.prepare<[Buffer, Buffer, number, number, Buffer]>(
        'INSERT OR REPLACE INTO enqueue_receipts (sender, client_message_id, server_time_ms, created_at, delivery_receipts) VALUES (?, ?, ?, ?, ?)',
      ),
      pruneReceipts: db.prepare<[number]>('DELETE FROM enqueue_receipts WHERE created_at <= ?'),
      saveMeta: db.prepare<[number, Buffer, Buffer | null, bigint | null]>(
        'INSERT OR REPLACE INTO queue_meta (message_id, sender, group_id, epoch) VALUES (?, ?, ?, ?)',
      ),
      meta: db
        .prepare<[number], MetaRow>('SELECT sender, group_id, epoch FROM queue_meta WHERE message_id = ?')
        .safeIntegers(true),
      // Sealed copies are the queue rows without a queue_meta row (an Enqueue copy always has one).
      sealedDepth: db.prepare<[Buffer, number], { n: number }>(
        `SELECT count(*) AS n FROM queue LEFT JOIN queue_meta ON queue_meta.message_id = queue.id
         WHERE queue.recipient = ? AND queue.expires_at > ? AND queue_meta.message_id IS NULL`,
      ),
    };
  }

  enqueue(input: EnqueueInput): EnqueueOutcome {
    const now = this.deps.clock.now();
    const sender = Buffer.from(input.sender);
    const clientMessageId = Buffer.from(input.clientMessageId);
    const hasReceipt = clientMessageId.length > 0;
    return this.db
      .transaction((): EnqueueOutcome => {
        if (hasReceipt) {
          const earlier = this.statements.receipt.get(sender, clientMessageId, now - RECEIPT_TTL_MS);
          if (earlier !== undefined) {
            return {
              serverTimeMs: earlier.server_time_ms,
              receipts: decodeReceiptList(earlier.delivery_receipts),
              stored: [],
            };
          }
        }
        for (const recipient of input.recipients) {
          if (this.deps.directory.findByIdentityKey(recipient) === undefined) {
            throw new WireError(WireErrorCode.NotFound, 'a recipient is not a registered user');
          }
        }
        const deliveries = input.recipients.map((recipient) => ({ recipient, payload: input.payload }));
        let copies: { id: number; expiresAt: number }[];
        if (input.groupId !== undefined && input.epoch !== undefined) {
          const groupIdHash = createHash('sha256').update(input.groupId).digest();
          const outcome = this.deps.commits.acceptCommitAndEnqueue(
            this.deps.queues,
            groupIdHash,
            input.epoch,
            deliveries,
          );
          if (outcome instanceof CommitConflictError) throw outcome;
          copies = outcome.stored;
        } else {
          copies = this.deps.queues.enqueueBatch(deliveries);
        }
        const ids = copies.map((copy) => copy.id);
        const receipts = copies.map((copy, index) =>
          this.deps.proofs.issue({
            recipient: input.recipients[index] ?? new Uint8Array(),
            payload: input.payload,
            acceptedAtMs: now,
            keepUntilMs: copy.expiresAt,
          }),
        );
        const groupId = input.groupId === undefined ? null : Buffer.from(input.groupId);
        const epoch = input.epoch ?? null;
        for (const id of ids) this.statements.saveMeta.run(id, sender, groupId, epoch);
        if (hasReceipt) {
          this.statements.saveReceipt.run(sender, clientMessageId, now, now, encodeReceiptList(receipts));
        }
        return {
          serverTimeMs: now,
          receipts,
          stored: ids.map((id, index) => ({
            recipient: input.recipients[index] ?? new Uint8Array(),
            message: withLabels(
              {
                messageId: BigInt(id),
                payload: input.payload,
                senderIdentityKey: input.sender,
                receivedAtMs: BigInt(now),
              },
              input.groupId,
              input.epoch,
            ),
          })),
        };
      })
      .immediate();
  }

  /**
   * A sealed envelope into one queue, with NO sender: no queue_meta row is written (so fetch reports an
   * empty sender_identity_key) and no receipt (receipts are keyed by sender). Queue cap, size cap
   * (messageMaxBytes plus `headerAllowance`) and TTL apply as for Enqueue, and sealed messages may take
   * at most `sealedShare` of the queue (QUEUE_FULL past it).
   */
  enqueueSealed(
    recipient: Uint8Array,
    envelope: Uint8Array,
    headerAllowance: number,
  ): {
    serverTimeMs: number;
    recipient: Uint8Array;
    message: QueuedMessageInit;
    receipt: DeliveryReceipt;
  } {
    const now = this.deps.clock.now();
    const share = this.deps.sealedShare;
    const { stored, receipt } = this.db
      .transaction(() => {
        // Below the share in rows, the exact count (a join over every row of the queue) cannot reach it.
        if (share !== undefined && this.deps.queues.rowsUpperBound(recipient) >= share) {
          const waiting = this.statements.sealedDepth.get(Buffer.from(recipient), now)?.n ?? 0;
          if (waiting >= share) throw new QueueFullError(share);
        }
        const [copy] = this.deps.queues.enqueueBatch([{ recipient, payload: envelope }], headerAllowance);
        if (copy === undefined) throw new Error('enqueueBatch returned nothing');
        const proof = this.deps.proofs.issue({
          recipient,
          payload: envelope,
          acceptedAtMs: now,
          keepUntilMs: copy.expiresAt,
        });
        return { stored: copy, receipt: proof };
      })
      .immediate();
    return {
      serverTimeMs: now,
      receipt,
      recipient,
      message: {
        messageId: BigInt(stored.id),
        payload: envelope,
        senderIdentityKey: new Uint8Array(),
        receivedAtMs: BigInt(now),
      },
    };
  }

  /** Messages after `afterId`, oldest first, at most `limit`, cut so that the answer fits one frame. */
  fetch(
    recipient: Uint8Array,
    afterId: bigint,
    limit: number,
  ): { messages: QueuedMessageInit[]; more: boolean } {
    const cursor = afterId > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(afterId);
    const result = this.deps.queues.fetch(recipient, { afterId: cursor, limit });
    const messages: QueuedMessageInit[] = [];
    let size = 0;
    for (const queued of result.messages) {
      const meta = this.statements.meta.get(queued.id);
      const cost = queued.payload.length + (meta?.group_id?.length ?? 0) + PER_MESSAGE_OVERHEAD;
      if (messages.length > 0 && size + cost > FRAME_BUDGET) {
        return { messages, more: true };
      }
      size += cost;
      messages.push(
        withLabels(
          {
            messageId: BigInt(queued.id),
            payload: queued.payload,
            senderIdentityKey: meta === undefined ? new Uint8Array() : new Uint8Array(meta.sender),
            receivedAtMs: BigInt(queued.enqueuedAt),
          },
          meta?.group_id === null || meta === undefined ? undefined : new Uint8Array(meta.group_id),
          meta?.epoch ?? undefined,
        ),
      );
    }
    return { messages, more: result.hasMore };
  }

  /** Forget receipts older than RECEIPT_TTL_MS; returns how many. */
  pruneReceipts(): number {
    return this.statements.pruneReceipts.run(this.deps.clock.now() - RECEIPT_TTL_MS).changes;
  }
}

function withLabels(
  message: QueuedMessageInit,
  groupId: Uint8Array | undefined,
  epoch: bigint | undefined,
): QueuedMessageInit {
  if (groupId !== undefined && epoch !== undefined) return { ...message, groupId, epoch };
  return message;
}

export type { QueuedMessage };
