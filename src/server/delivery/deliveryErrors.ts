import { ConflictError, QpcError, ValidationError } from '../../lib/errors.js';

export const DeliveryErrorCode = {
  MessageTooLarge: 'DELIVERY_MESSAGE_TOO_LARGE',
  QueueFull: 'DELIVERY_QUEUE_FULL',
  BadRecipient: 'DELIVERY_BAD_RECIPIENT',
  CommitConflict: 'COMMIT_CONFLICT',
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

/** Another commit was accepted first for this group and epoch, or the epoch is older than the group's. */
export class CommitConflictError extends ConflictError {
  constructor(readonly latestEpoch: bigint) {
    super(
      DeliveryErrorCode.CommitConflict,
      `another commit was accepted first; the group is at epoch ${latestEpoch}`,
      {
        hint: 'Fetch and process the pending messages, then commit again on the new epoch.',
      },
    );
  }
}
