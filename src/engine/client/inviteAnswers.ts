/**
 * Invite notices, the inviter's side (docs/protocol.md, "Invite notices"): each Welcome we send is
 * remembered by its reference; an answer that the invitee did not join becomes a timeline entry ("bob
 * declined the invite"; an acceptance shows by itself, as the member talks), and an invitee who declined or whose client could not open the Welcome is removed from the
 * group (they were added by the invite's commit and would never read).
 */
import { constantTimeEqual, fromHex, toHex } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import { openWithOwnHybridKeys } from '../keys/retiredHybridKeys.js';
import type { CommitChange } from '../mls/groupTypes.js';
import { unpad } from '../privacy/padding.js';
import type { MessageRecord } from '../store/types.js';
import { ClientErrorCode } from './clientErrors.js';
import type { ClientContext } from './clientContext.js';
import { decodeInviteNotice, INVITE_NOTICE_AAD, inviteRef, type InviteOutcome } from './inviteNotices.js';
import type { MembershipChange } from './membershipTimeline.js';

/** At most this many sent invites are remembered; an answer to an older one is dropped as unknown. */
export const MAX_SENT_INVITES = 200;

const SENT_KEY = 'invites.sent';

interface SentInvite {
  ref: string;
  groupId: string;
  /** The invitee's identity key, hex. */
  invitee: string;
  sentAt: number;
  /** Set when the answer arrived: a repeat of it is ignored. */
  answered?: InviteOutcome;
}

/** An answer that arrived: who answered which group's invite, and how. */
export interface InviteAnswer {
  groupId: string;
  invitee: Uint8Array;
  outcome: InviteOutcome;
  entries: MessageRecord[];
}

function readSent(context: ClientContext): SentInvite[] {
  const raw = context.store.settings.get(SENT_KEY);
  return raw === undefined ? [] : (JSON.parse(raw) as SentInvite[]);
}

function writeSent(context: ClientContext, sent: SentInvite[]): void {
  context.store.settings.set(SENT_KEY, JSON.stringify(sent.slice(-MAX_SENT_INVITES)));
}

/** Remembers a Welcome before it is sent (`payload` as padded for Enqueue); idempotent. */
export function rememberSentInvite(
  context: ClientContext,
  invite: { groupId: string; invitee: Uint8Array; payload: Uint8Array },
): void {
  const ref = inviteRef(unpad(invite.payload));
  const sent = readSent(context);
  if (sent.some((entry) => entry.ref === ref)) return;
  sent.push({
    ref,
    groupId: invite.groupId,
    invitee: toHex(invite.invitee),
    sentAt: context.mls.clock.now(),
  });
  writeSent(context, sent);
}

/**
 * Reads a notice from `sender` (the server stamps it) and records it in the group's timeline. Undefined
 * for a repeat of an answer already recorded. A notice that answers no invite of ours to that sender
 * is a ValidationError (dropped and recorded by the incoming lane).
 */
export function receiveInviteNotice(
  context: ClientContext,
  sender: Uint8Array,
  payload: Uint8Array,
): InviteAnswer | undefined {
  const plaintext = openWithOwnHybridKeys(context.identity(), payload.subarray(1), INVITE_NOTICE_AAD);
  const notice = decodeInviteNotice(plaintext);
  const senderHex = toHex(sender);
  const sent = readSent(context);
  const invite = sent.find((entry) => entry.ref === notice.ref && entry.invitee === senderHex);
  if (invite === undefined) {
    throw new ValidationError(ClientErrorCode.inviteNoticeUnknown, 'an answer to no invite of ours');
  }
  if (invite.answered !== undefined) return undefined;
  invite.answered = notice.outcome;
  const answer = { groupId: invite.groupId, invitee: fromHex(invite.invitee), outcome: notice.outcome };
  if (notice.outcome === 'accepted') {
    writeSent(context, sent);
    return { ...answer, entries: [] };
  }
  const now = context.mls.clock.now();
  const change: MembershipChange = {
    event: notice.outcome,
    actor: senderHex,
    subjects: [senderHex],
    ...(notice.code === undefined ? {} : { code: notice.code }),
  };
  const entries: MessageRecord[] = [];
  context.store.transaction(() => {
    writeSent(context, sent);
    const record: MessageRecord = {
      id: `invite:${invite.ref}`,
      groupId: invite.groupId,
      sender: senderHex,
      direction: 'in',
      text: JSON.stringify(change),
      epoch: 0n,
      sentAt: now,
      receivedAt: now,
      kind: 'membership',
    };
    if (context.store.messages.append(record)) entries.push(record);
  });
  return { ...answer, entries };
}

/**
 * Removes an invitee who declined or could not open the invite, with the ordinary kick commit, when we
 * still hold the group and they are still in it (another member may have removed them first).
 */
export async function removeUnwillingInvitee(
  context: ClientContext,
  answer: InviteAnswer,
  commit: (groupId: string, change: CommitChange) => Promise<void>,
): Promise<void> {
  if (answer.outcome === 'accepted' || !context.groups.has(answer.groupId)) return;
  const session = await context.groups.session(answer.groupId);
  if (!session.info().members.some((member) => constantTimeEqual(member, answer.invitee))) return;
  await commit(answer.groupId, { kind: 'remove', identityKeys: [answer.invitee] });
}
