/**
 * A sealed Welcome from our queue: joined at once when the invite policy says so, otherwise kept for
 * the person's decision (pendingInvites.ts).
 */
import { wipe } from '../../lib/bytes.js';
import { openWithOwnHybridKeys } from '../keys/retiredHybridKeys.js';
import { MlsGroupSession } from '../mls/groupSession.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { recordMembership } from './membershipTimeline.js';
import { rememberJoinEpoch } from './incomingExpected.js';
import { decodeWelcomeBundle, WELCOME_ENVELOPE_AAD } from './payloads.js';
import { queueInviteNotice } from './inviteNotices.js';
import { keepInvite, listInvites } from './pendingInvites.js';
import { announceMembership } from './views.js';

/** What the incoming lane is told after a join. */
export interface JoinListeners {
  /** A Welcome consumed one of our KeyPackages. */
  keyPackageUsed(): void;
  /** We joined the group (we then share our access key with the members). */
  joined(groupId: string): void;
  /** An answer to the inviter waits to be sent (inviteNotices.ts). */
  noticeQueued(): void;
}

/** An invite the policy does not join at once waits for the person's decision. */
export function keepForConsent(context: ClientContext, sender: Uint8Array, payload: Uint8Array): void {
  const plaintext = openWithOwnHybridKeys(context.identity(), payload, WELCOME_ENVELOPE_AAD);
  const { groupName } = decodeWelcomeBundle(plaintext);
  wipe(plaintext);
  keepInvite(context, { from: sender, groupName, payload });
  context.emit({ type: 'invitesChanged', invites: listInvites(context) });
}

/** Joins the group of a sealed Welcome from `inviter` (who is told we accepted); returns its id. */
export async function joinFromWelcome(
  context: ClientContext,
  invite: { payload: Uint8Array; inviter: Uint8Array },
  listeners: JoinListeners,
): Promise<string> {
  const { payload } = invite;
  const plaintext = openWithOwnHybridKeys(context.identity(), payload, WELCOME_ENVELOPE_AAD);
  const bundle = decodeWelcomeBundle(plaintext);
  const session = await MlsGroupSession.join(context.mls, {
    identity: context.identity().mls,
    welcome: bundle.welcome,
    name: bundle.groupName,
  });
  context.groups.adopt(session);
  rememberJoinEpoch(context, session.groupId, session.info().epoch);
  const own = ownIdentityHex(context);
  const joined = recordMembership(context, session.groupId, session.info().epoch, [
    { event: 'joined', actor: own, subjects: [own] },
  ]);
  queueInviteNotice(context, { inviter: invite.inviter, welcome: payload, outcome: 'accepted' });
  listeners.keyPackageUsed();
  listeners.joined(session.groupId);
  listeners.noticeQueued();
  await context.announceGroup(session.groupId);
  await announceMembership(context, joined);
  return session.groupId;
}
