/**
 * The second half of an identity rotation for groups where we were alone (docs/identity.md). A resync
 * commit cannot replace the only leaf of a tree, so the rotation skipped those groups; once our invite
 * gave such a group a second member, our leaf, still under the previous key, moves to the profile's
 * current key with the finished rotation's statement, which the new member checks like any member.
 */
import { fromHex, toHex } from '../../lib/bytes.js';
import type { ClientContext } from '../client/clientContext.js';
import { decodeRotationStatement } from '../identity/rotationCodec.js';
import type { CommitChange } from '../mls/groupTypes.js';
import { IdentitySettingKey } from './identityRotation.js';

/**
 * Commits the identity resync in `groupId` when our leaf still carries the key the last rotation
 * replaced and the group now has someone to tell; returns whether it committed. A leaf older than the
 * last rotation's previous key (two rotations while alone) has no statement that links it: it stays.
 */
export async function moveDeferredLeaf(
  context: ClientContext,
  groupId: string,
  commit: (change: CommitChange) => Promise<void>,
): Promise<boolean> {
  const last = context.store.settings.get(IdentitySettingKey.last);
  if (last === undefined || !context.groups.has(groupId)) return false;
  const session = await context.groups.session(groupId);
  if (session.info().members.length < 2) return false;
  const leafKey = session.ownIdentityKey();
  const identity = context.identity().mls;
  if (leafKey === undefined || toHex(leafKey) === toHex(identity.signingPublicKey)) return false;
  const authenticatedData = fromHex(last);
  const statement = decodeRotationStatement(authenticatedData);
  if (
    toHex(statement.previousKey) !== toHex(leafKey) ||
    toHex(statement.newKey) !== toHex(identity.signingPublicKey)
  ) {
    return false;
  }
  await commit({ kind: 'identityResync', identity, authenticatedData });
  return true;
}
