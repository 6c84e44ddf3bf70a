import type { CiphersuiteImpl, ClientState, MLSMessage, RatchetTree, SecretTree } from 'ts-mls';
import { decryptSenderData } from 'ts-mls/privateMessage.js';
import { constantTimeEqual } from '../../lib/bytes.js';
import { findLeafIndexOf, leafIdentityAt } from './credentials.js';
import { checkIdentityResync, type IdentityResync } from './identityResyncCheck.js';
import { mlsErrorCodes, rejectMessage } from './mlsErrors.js';

export type IncomingContentType = 'application' | 'proposal' | 'commit';

export interface IncomingSender {
  /** Sender's identity public key (its basic credential), as it was in the message's epoch. */
  identityKey: Uint8Array;
  leafIndex: number;
  epoch: bigint;
  contentType: IncomingContentType;
  /** Set for an external commit that moves a member to a new identity key, proven by its statement. */
  resync?: IdentityResync;
}

/**
 * Checks run before handing a message to ts-mls, so that each kind of rejection gets its own code
 * and ts-mls never sees a message we already know is unusable. None of them changes the state.
 *
 * Order: wire format and group, epoch (future / stale), sender (decrypted sender data, then "is this
 * identity still a member now"), then replay (the generation's key is already gone).
 */
export async function checkIncoming(
  state: ClientState,
  message: MLSMessage,
  impl: CiphersuiteImpl,
): Promise<IncomingSender> {
  const ourEpoch = state.groupContext.epoch;
  if (message.wireformat === 'mls_public_message') {
    const { content } = message.publicMessage;
    checkGroupAndFutureEpoch(state, content.groupId, content.epoch);
    if (content.epoch < ourEpoch) {
      throw rejectMessage(mlsErrorCodes.staleEpoch, 'a handshake message from an older epoch');
    }
    if (content.sender.senderType === 'new_member_commit') {
      const resync = checkIdentityResync(state, content);
      return {
        identityKey: resync.statement.newKey,
        leafIndex: resync.formerLeafIndex,
        epoch: content.epoch,
        contentType: 'commit',
        resync,
      };
    }
    if (content.sender.senderType !== 'member' || content.contentType === 'application') {
      throw rejectMessage(mlsErrorCodes.invalidMessage, 'only members may send public handshake messages');
    }
    const identityKey = currentMemberIdentity(state.ratchetTree, state.ratchetTree, content.sender.leafIndex);
    return {
      identityKey,
      leafIndex: content.sender.leafIndex,
      epoch: content.epoch,
      contentType: content.contentType,
    };
  }
  if (message.wireformat !== 'mls_private_message') {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'expected an MLS private or public message');
  }
  const pm = message.privateMessage;
  checkGroupAndFutureEpoch(state, pm.groupId, pm.epoch);

  let senderDataSecret = state.keySchedule.senderDataSecret;
  let epochTree: RatchetTree = state.ratchetTree;
  let secretTree: SecretTree = state.secretTree;
  if (pm.epoch < ourEpoch) {
    // Application messages sent just before a commit may arrive after it: ts-mls keeps the receiver
    // keys of a few past epochs (retainKeysForEpochs). Handshake messages from the past never apply.
    const past = state.historicalReceiverData.get(pm.epoch);
    if (pm.contentType !== 'application' || past === undefined) {
      throw rejectMessage(
        mlsErrorCodes.staleEpoch,
        `the message is from epoch ${pm.epoch}, we are at ${ourEpoch}`,
      );
    }
    senderDataSecret = past.senderDataSecret;
    epochTree = past.ratchetTree;
    secretTree = past.secretTree;
  }

  let senderData;
  try {
    senderData = await decryptSenderData(pm, senderDataSecret, impl);
  } catch (error) {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'the sender data does not decrypt', error);
  }
  if (senderData === undefined) {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'the sender data does not decode');
  }
  const identityKey = currentMemberIdentity(epochTree, state.ratchetTree, senderData.leafIndex);

  const node = secretTree[senderData.leafIndex * 2];
  const ratchet = pm.contentType === 'application' ? node?.application : node?.handshake;
  if (ratchet === undefined) {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'no secret-tree node for this sender');
  }
  // Forward secrecy deletes a generation's key once used; a generation behind the ratchet with no
  // retained key was either already processed or is older than we keep: either way a replay.
  if (
    senderData.generation < ratchet.generation &&
    ratchet.unusedGenerations[senderData.generation] === undefined
  ) {
    throw rejectMessage(mlsErrorCodes.replay, 'this message (sender generation) was already processed');
  }
  return { identityKey, leafIndex: senderData.leafIndex, epoch: pm.epoch, contentType: pm.contentType };
}

function checkGroupAndFutureEpoch(state: ClientState, groupId: Uint8Array, epoch: bigint): void {
  if (!constantTimeEqual(groupId, state.groupContext.groupId)) {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'the message belongs to another group');
  }
  if (epoch > state.groupContext.epoch) {
    throw rejectMessage(
      mlsErrorCodes.futureEpoch,
      `the message is from epoch ${epoch}, we are at ${state.groupContext.epoch}`,
      undefined,
    );
  }
}

/** The sender's identity in its epoch's tree, which must also be a member of our current tree. */
function currentMemberIdentity(
  epochTree: RatchetTree,
  currentTree: RatchetTree,
  leafIndex: number,
): Uint8Array {
  const identityKey = leafIdentityAt(epochTree, leafIndex);
  if (identityKey === undefined || findLeafIndexOf(currentTree, identityKey) === undefined) {
    throw rejectMessage(mlsErrorCodes.senderNotMember, 'the sender is not a member of the group');
  }
  return identityKey;
}
