/**
 * The receiving side of an identity rotation (docs/mls.md, "Identity rotation"): a member's identity
 * key, which is its leaf credential, changes only through an external commit with resync whose
 * authenticated data holds a rotation statement signed by the key being replaced and by the new one
 * (or a chain of them, each link signed by its two keys, from the leaf's key to the new one).
 * Every other way a credential could change (a member's update path, an Update proposal) is refused
 * with MLS_IDENTITY_CHANGE_UNSIGNED, and so is a resync whose statement does not match the leaf it
 * removes and the leaf it adds.
 */
import type { ClientState, FramedContent, LeafNode } from 'ts-mls';
import { constantTimeEqual } from '../../lib/bytes.js';
import type { QpcError } from '../../lib/errors.js';
import { decodeRotationChain, verifyRotationChain } from '../identity/rotationChain.js';
import type { RotationStatement } from '../identity/rotationStatement.js';
import { identityKeyOfLeaf, leafIdentityAt } from './credentials.js';
import { mlsErrorCodes, rejectMessage } from './mlsErrors.js';

export interface IdentityResync {
  /** The leaf the commit removes: the member's former leaf. */
  formerLeafIndex: number;
  /** The last link: from the key before it to the member's new key. */
  statement: RotationStatement;
  /**
   * Every link from the removed leaf's key to the new one, oldest first (one link, or several when the
   * member rotated more than once while its leaf could not move: identity/rotationChain.ts).
   */
  chain: readonly RotationStatement[];
}

function refuse(why: string, cause?: unknown): QpcError {
  return rejectMessage(mlsErrorCodes.identityChangeUnsigned, why, cause);
}

/**
 * A public message from a "new member" (an external commit): accepted only as an identity resync of a
 * current member, proven by the statement in its authenticated data. Returns what it proves.
 */
export function checkIdentityResync(state: ClientState, content: FramedContent): IdentityResync {
  if (content.contentType !== 'commit' || content.commit.path === undefined) {
    throw refuse('an external commit without an update path');
  }
  const proposals = content.commit.proposals;
  const removals = proposals.flatMap((entry) =>
    entry.proposalOrRefType === 'proposal' && entry.proposal.proposalType === 'remove'
      ? [entry.proposal.remove.removed]
      : [],
  );
  const externalInits = proposals.filter(
    (entry) => entry.proposalOrRefType === 'proposal' && entry.proposal.proposalType === 'external_init',
  );
  const formerLeafIndex = removals[0];
  if (
    formerLeafIndex === undefined ||
    removals.length !== 1 ||
    externalInits.length !== 1 ||
    proposals.length !== 2
  ) {
    // An outsider joining by external commit: our groups only grow by invitation.
    throw refuse('an external commit that is not the resync of one member');
  }
  const formerKey = leafIdentityAt(state.ratchetTree, formerLeafIndex);
  if (formerKey === undefined) throw refuse('the external commit removes a blank leaf');
  let chain: RotationStatement[];
  try {
    chain = decodeRotationChain(content.authenticatedData);
    verifyRotationChain(chain);
  } catch (error) {
    throw refuse('the identity change carries no valid rotation statement', error);
  }
  const [first] = chain;
  const statement = chain.at(-1);
  if (first === undefined || statement === undefined) throw refuse('an empty rotation chain');
  const newLeaf = content.commit.path.leafNode;
  if (
    !constantTimeEqual(first.previousKey, formerKey) ||
    !constantTimeEqual(statement.newKey, identityKeyOfLeaf(newLeaf)) ||
    !constantTimeEqual(statement.newKey, newLeaf.signaturePublicKey)
  ) {
    throw refuse('the rotation statement is not signed by the key it replaces');
  }
  return { formerLeafIndex, statement, chain };
}

/**
 * After ts-mls processed a member's commit or proposal (before anything is saved): the sender's own
 * leaf keeps its identity, and no Update proposal waiting in the state names another identity than
 * the leaf it would replace.
 */
export function assertNoUnsignedIdentityChange(
  before: ClientState,
  after: ClientState,
  senderLeafIndex: number,
  kind: 'commit' | 'proposal',
): void {
  if (kind === 'commit' && after.groupActiveState.kind === 'active') {
    const previous = leafIdentityAt(before.ratchetTree, senderLeafIndex);
    const now = leafIdentityAt(after.ratchetTree, senderLeafIndex);
    if (previous !== undefined && now !== undefined && !constantTimeEqual(previous, now)) {
      throw refuse("a member's commit changes its own identity key");
    }
  }
  for (const pending of Object.values(after.unappliedProposals)) {
    if (pending.proposal.proposalType !== 'update' || pending.senderLeafIndex === undefined) continue;
    const leafNode: LeafNode = pending.proposal.update.leafNode;
    const current = leafIdentityAt(after.ratchetTree, pending.senderLeafIndex);
    if (current !== undefined && !constantTimeEqual(current, identityKeyOfLeaf(leafNode))) {
      throw refuse('an Update proposal changes a member identity key');
    }
  }
}
