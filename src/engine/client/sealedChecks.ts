/**
 * What a sealed message must be before and after MLS opens it: an MLS PrivateMessage (a PublicMessage
 * names its sender in clear, and commits travel on the normal path with group id and epoch), and from a
 * current member of the group. Anything else is rejected with SEALED_SENDER_REJECTED and dropped.
 */
import { CryptoError } from '../../lib/errors.js';

export const SEALED_SENDER_REJECTED = 'SEALED_SENDER_REJECTED';

export class SealedSenderRejectedError extends CryptoError {
  constructor(message: string) {
    super(SEALED_SENDER_REJECTED, message);
  }
}

/** Before MLS processing: only a PrivateMessage may arrive sealed, in a group that has members. */
export function assertSealedFromMember(
  wireformat: string,
  members: readonly Uint8Array[],
  payload: Uint8Array,
): void {
  if (wireformat !== 'mls_private_message' || members.length === 0 || payload.length === 0) {
    throw new SealedSenderRejectedError('a sealed message must be an MLS PrivateMessage of a known group');
  }
}
