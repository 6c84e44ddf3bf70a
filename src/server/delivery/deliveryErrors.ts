import { ConflictError, QpcError, ValidationError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/errorCodes.js';

export const DeliveryErrorCode = {
  MessageTooLarge: 'DELIVERY_MESSAGE_TOO_LARGE',
  QueueFull: 'DELIVERY_QUEUE_FULL',
  BadRecipient: 'DELIVERY_BAD_RECIPIENT',
  /** The wire's code, carried unchanged: the client matches on it. */
  CommitConflict: WireErrorCode.CommitConflict,
  /** A group id hash that is not 32 bytes, or an epoch out of range: a bug in the caller. */
  CommitBadInput: 'COMMIT_BAD_INPUT',
} as const;

export type DeliveryErrorCode = (typeof DeliveryErrorCode)[keyof typeof DeliveryErrorCode];

export class MessageTooLargeError extends ValidationError {
  constructor(
    readonly size: number,
    readonly maxBytes: number,
  ) {
    super(DeliveryErrorCode.MessageTooLarge, `the message has ${size} bytes; the limit is ${maxBytes}`);
  }
}

/** The recipient has `cap` messages waiting; the sender should retry later (or the recipient is gone). */
export class QueueFullError extends QpcError {
  constructor(readonly cap: number) {
    super(DeliveryErrorCode.QueueFull, `the recipient's queue is full (${cap} messages)`, {
      hint: 'Retry later; the recipient has not fetched its messages for a while.',
    });
  }
}

/**
 * Why a commit was refused: `stale` when a commit for this epoch or a later one was accepted first,
 * `too_far` when the commit skips epochs the server has not seen (its label is past the next epoch).
 */
export type CommitConflictReason = 'stale' | 'too_far';

/** The commit's epoch is not the one after the group's newest accepted commit. */
export class CommitConflictError extends ConflictError {
  /** The epoch label the server takes next for this group. */
  readonly expectedEpoch: bigint;

  constructor(
    readonly latestEpoch: bigint,
    readonly reason: CommitConflictReason = 'stale',
  ) {
    const expectedEpoch = latestEpoch + 1n;
    super(
      DeliveryErrorCode.CommitConflict,
      reason === 'stale'
        ? `another commit was accepted first; the next commit must be made in epoch ${expectedEpoch}`
        : `the commit skips epochs; the next commit must be made in epoch ${expectedEpoch}`,
      {
        hint: 'Fetch and process the pending messages, then commit again on the new epoch.',
      },
    );
    this.expectedEpoch = expectedEpoch;
  }
}
