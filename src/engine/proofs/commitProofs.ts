/**
 * Delivery proofs of our commits and Welcomes. They have no message of their own in the history: the
 * change they made is a membership entry (client/membershipTimeline.ts), so their proofs are kept under
 * that entry's id, and `qpc proof show|verify ID` works with the id `qpc history --json` shows for it.
 * One entry can hold both: the commit's proofs (one per existing member) and the Welcome's (the new
 * member), told apart by recipient.
 */
import type { DeliveryReceipt } from '../../protocol/index.js';
import { QpcError } from '../../lib/errors.js';
import type { ClientContext } from '../client/clientContext.js';
import { ClientErrorCode } from '../client/clientErrors.js';
import { recordDeliveryProofs } from './deliveryProofs.js';

/**
 * The id of the 'added' entry a commit that reached `epoch` wrote (added members come first, index 0):
 * where the Welcome of that commit keeps its proof, even when it is sent after a reconnect.
 */
export function addedEntryId(groupId: string, epoch: bigint): string {
  return `membership:${groupId}:${epoch}:added:0`;
}

/**
 * Keeps the proofs of one Enqueue of a commit or Welcome under each of `entryIds`. The change is done
 * whatever happens here: a proof that does not verify, or one that cannot be stored, is reported as a
 * backgroundFailed event (recordDeliveryProofs and below), never thrown.
 */
export async function keepCommitProofs(
  context: ClientContext,
  input: {
    groupId: string;
    entryIds: readonly string[];
    recipients: readonly Uint8Array[];
    payload: Uint8Array;
    receipts: readonly DeliveryReceipt[];
  },
): Promise<void> {
  for (const messageId of new Set(input.entryIds)) {
    try {
      await recordDeliveryProofs(context, { ...input, messageId });
    } catch (error) {
      context.emit({
        type: 'backgroundFailed',
        task: 'deliveryProof',
        code: error instanceof QpcError ? error.code : ClientErrorCode.unexpected,
        message: `the delivery proof of a group change in ${input.groupId} could not be kept: ${(error as Error).message}`,
      });
    }
  }
}
