/**
 * Late handshake messages that are expected, not lost: a commit or proposal for a group we were removed
 * from, or one from before the epoch at which we (re)joined the group. A restored profile meets them
 * often: the commit that removed the old device's leaf is queued for the account before the Welcome that
 * adds the new one, and by the time it is read the group is past it. They never concerned this
 * membership, so they are logged at debug and acknowledged, with no timeline entry and no event. An
 * application message, or a commit from within our own membership, is still dropped visibly.
 */
import { decodeWholeMlsMessage } from '../mls/wireMessages.js';
import { mlsErrorCodes } from '../mls/mlsErrors.js';
import type { ClientContext } from './clientContext.js';
import { advanceCursor, recordDrop } from './incomingRecords.js';

/** Settings key prefix: the epoch at which we last joined a group from a Welcome. */
const JOINED_EPOCH_PREFIX = 'group.joinedEpoch.';

export function rememberJoinEpoch(context: ClientContext, groupId: string, epoch: bigint): void {
  context.store.settings.set(JOINED_EPOCH_PREFIX + groupId, epoch.toString());
}

function joinEpochOf(context: ClientContext, groupId: string): bigint | undefined {
  const stored = context.store.settings.get(JOINED_EPOCH_PREFIX + groupId);
  return stored === undefined ? undefined : BigInt(stored);
}

/** The content type and epoch of an MLS message, read from its clear header; undefined if not one. */
function handshakeEpoch(payload: Uint8Array): bigint | undefined {
  let message;
  try {
    message = decodeWholeMlsMessage(payload);
  } catch {
    // Not an MLS message at all: that is a real drop, which the caller records.
    return undefined;
  }
  if (message.wireformat === 'mls_public_message') {
    const { content } = message.publicMessage;
    return content.contentType === 'application' ? undefined : content.epoch;
  }
  if (message.wireformat === 'mls_private_message') {
    const pm = message.privateMessage;
    return pm.contentType === 'application' ? undefined : pm.epoch;
  }
  return undefined;
}

/** Is this drop (code) of this group message one that concerns no membership of ours? */
export function isExpectedLate(
  context: ClientContext,
  drop: { groupId: string; code: string },
  payload: Uint8Array | undefined,
): boolean {
  if (payload === undefined || drop.groupId === '') return false;
  if (drop.code !== mlsErrorCodes.staleEpoch && drop.code !== mlsErrorCodes.notActive) return false;
  const epoch = handshakeEpoch(payload);
  if (epoch === undefined) return false;
  if (drop.code === mlsErrorCodes.notActive) return true;
  const joinedAt = joinEpochOf(context, drop.groupId);
  return joinedAt !== undefined && epoch < joinedAt;
}

/**
 * Settles a message that will never be read: an expected late handshake message is logged at debug and
 * only moves the cursor; anything else is recorded as a drop (timeline entry and incomingDropped).
 */
export function settleUnreadable(
  context: ClientContext,
  drop: { key: string; groupId: string; code: string; cursor?: bigint },
  payload: Uint8Array | undefined,
): void {
  if (isExpectedLate(context, drop, payload)) {
    // Codes only: the group id is not personal, but nothing else of the message reaches the log.
    context.logger?.debug({ event: 'incomingLateHandshake', code: drop.code }, 'late handshake ignored');
    advanceCursor(context, drop.cursor);
    return;
  }
  recordDrop(context, drop);
}
