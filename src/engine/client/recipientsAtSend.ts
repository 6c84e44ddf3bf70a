/**
 * Whether an outgoing message had anyone to go to. The history keeps no recipient count, so it is
 * worked out from the group's members now and the membership timeline after the message: the changes
 * that reached a later epoch are undone, newest first, which leaves the members of the message's epoch.
 * We were a member all along (we sent it), so every later change was processed and recorded here.
 */
import { toHex } from '../../lib/bytes.js';
import type { MessageRecord } from '../store/types.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { parseMembership } from './membershipTimeline.js';

/** True when the group had no member but us at the epoch `record` was sent in. */
export async function sentWithNoRecipients(record: MessageRecord, context: ClientContext): Promise<boolean> {
  // A group we left or were removed from: its members are unknown, so claim nothing.
  if (!context.groups.has(record.groupId)) return false;
  const session = await context.groups.session(record.groupId);
  const members = new Set(session.info().members.map(toHex));
  const later = context.store.messages
    .list(record.groupId)
    .filter((entry) => entry.kind === 'membership' && entry.epoch > record.epoch)
    .reverse();
  for (const entry of later) {
    const change = parseMembership(entry);
    if (change.event === 'added') for (const key of change.subjects) members.delete(key);
    if (change.event === 'removed' || change.event === 'left') {
      for (const key of change.subjects) members.add(key);
    }
  }
  const own = ownIdentityHex(context);
  return [...members].every((key) => key === own);
}
