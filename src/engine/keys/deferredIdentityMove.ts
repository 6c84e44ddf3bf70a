/**
 * The second half of an identity rotation for groups where we were alone (docs/identity.md). A resync
 * commit cannot replace the only leaf of a tree, so the rotation skipped those groups; once our invite
 * gave such a group a second member, our leaf, still under an earlier key, moves to the profile's
 * current key with the kept rotation statements from that key on, which the new member checks like
 * any member.
 */
import { toHex } from '../../lib/bytes.js';
import type { ClientContext } from '../client/clientContext.js';
import { encodeRotationChain } from '../identity/rotationChain.js';
import type { CommitChange } from '../mls/groupTypes.js';
import { keptRotationChain, linksFrom } from './rotationChainStore.js';

/**
 * Commits the identity resync in `groupId` when our leaf still carries a key an earlier rotation replaced
 * and the group now has someone to tell; returns whether it committed. The commit carries the links of
 * the kept chain from the leaf's key to the current one (one link after one rotation, key0 -> key2
 * through key1 after two), which the members verify link by link.
 */
export async function moveDeferredLeaf(
  context: ClientContext,
  groupId: string,
  commit: (change: CommitChange) => Promise<void>,
): Promise<boolean> {
  if (!context.groups.has(groupId)) return false;
  const session = await context.groups.session(groupId);
  if (session.info().members.length < 2) return false;
  const leafKey = session.ownIdentityKey();
  const identity = context.identity().mls;
  if (leafKey === undefined || toHex(leafKey) === toHex(identity.signingPublicKey)) return false;
  const links = linksFrom(keptRotationChain(context.store), leafKey);
  const end = links?.at(-1);
  // A leaf key no kept rotation replaced, or a chain that does not reach the current key: nothing
  // proves the move, so the leaf stays (docs/identity.md).
  if (links === undefined || end === undefined || toHex(end.newKey) !== toHex(identity.signingPublicKey)) {
    return false;
  }
  await commit({ kind: 'identityResync', identity, authenticatedData: encodeRotationChain(links) });
  return true;
}
