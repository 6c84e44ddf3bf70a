/**
 * Whether an outgoing message had anyone to go to. The history keeps no recipient count, so it is
 * worked out from the group's members now and the membership timeline after the message: the changes
 * that reached a later epoch are undone, newest first, which leaves the members of the message's epoch.
 * We were a member all along (we sent it), so every later change was processed and recorded here.
 */
import { toHex } from '../../lib/bytes.js';
import type { MessageRecord } from '../store/types.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { parseMembership, type MembershipChange } from './membershipTimeline.js';

/** Answers "no member but us at the epoch it was sent in" for any message of one group. */
export type NoRecipientsCheck = (record: MessageRecord) => Promise<boolean>;

/**
 * Reads the group's members and the membership entries stored from `oldest` on once, so a page of
 * history costs one short query and not one full read of the history per message (quadratic: 10 s for a
 * page of a 10,000-message group). An entry at a later epoch than a message we sent was stored after it
 * (we sent at the group's epoch then, and commits are processed in order), so nothing before `oldest`
 * is needed. The session opens only when a message asks.
 */
export function noRecipientsCheck(
  context: ClientContext,
  groupId: string,
  oldest: MessageRecord,
): NoRecipientsCheck {
  let timeline: Promise<(record: MessageRecord) => boolean> | undefined;
  return (record) => {
    timeline ??= membersAtEpoch(context, groupId, oldest);
    return timeline.then((check) => check(record));
  };
}

async function membersAtEpoch(
  context: ClientContext,
  groupId: string,
  oldest: MessageRecord,
): Promise<(record: MessageRecord) => boolean> {
  // A group we left or were removed from: its members are unknown, so claim nothing.
  if (!context.groups.has(groupId)) return () => false;
  const session = await context.groups.session(groupId);
  const current = session.info().members.map(toHex);
  const newestFirst: { epoch: bigint; change: MembershipChange }[] = context.store.messages
    .listMembership(groupId, { fromId: oldest.id })
    .map((entry) => ({ epoch: entry.epoch, change: parseMembership(entry) }))
    .reverse();
  const own = ownIdentityHex(context);
  return (record) => {
    const members = new Set(current);
    for (const { epoch, change } of newestFirst) {
      if (epoch <= record.epoch) continue;
      if (change.event === 'added') for (const key of change.subjects) members.delete(key);
      if (change.event === 'removed' || change.event === 'left') {
        for (const key of change.subjects) members.add(key);
      }
    }
    return [...members].every((key) => key === own);
  };
}
