/**
 * Membership in the open: every join, add, removal, leave and key update becomes a timeline entry
 * (messages.kind 'membership') at every member, stored once (its id names the group and the epoch the
 * change reached) and announced like a received message, so the TUI pane, `qpc receive --json` and
 * `--follow` show it. `text` holds a JSON description; views.ts turns it into names and a sentence.
 */
import { toHex } from '../../lib/bytes.js';
import type { MessageRecord } from '../store/types.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import type { MembershipEvent } from './engineTypes.js';

export type { MembershipEvent };

/** What a membership entry's `text` holds: identity keys in hex. */
export interface MembershipChange {
  event: MembershipEvent;
  actor: string;
  subjects: string[];
  /** For 'refused' and 'unopened': the error code that stopped the other client. */
  code?: string;
  /** For 'unopened': our message it was, and whether it went out again sealed to the current key. */
  messageId?: string;
  resealed?: boolean;
}

/** Settings key prefix: a member asked to leave (its remove proposal arrived); the commit says 'left'. */
const LEAVING_PREFIX = 'group.leaving.';

/** Settings key prefix: the name of a group we are no longer in, for entries that arrive after. */
const FORMER_NAME_PREFIX = 'group.formerName.';

/** The changes one commit made, from the member lists before and after it. */
export function membershipChanges(
  context: ClientContext,
  groupId: string,
  actor: string,
  before: readonly Uint8Array[],
  after: readonly Uint8Array[],
): MembershipChange[] {
  const beforeHex = new Set(before.map(toHex));
  const afterHex = new Set(after.map(toHex));
  const added = [...afterHex].filter((key) => !beforeHex.has(key));
  const removed = [...beforeHex].filter((key) => !afterHex.has(key));
  // One key in, one key out, and the committer is one of them: a member replaced its own leaf, which
  // only an identity rotation does (checked against its signed statement before it applied).
  const [addedKey] = added;
  const [removedKey] = removed;
  if (
    addedKey !== undefined &&
    removedKey !== undefined &&
    added.length === 1 &&
    removed.length === 1 &&
    (actor === addedKey || actor === removedKey)
  ) {
    return [{ event: 'identityRotated', actor: addedKey, subjects: [removedKey, addedKey] }];
  }
  const changes: MembershipChange[] = [];
  if (added.length > 0) changes.push({ event: 'added', actor, subjects: added });
  const left = removed.filter((key) => context.store.settings.get(leavingKey(groupId, key)) !== undefined);
  const kicked = removed.filter((key) => !left.includes(key));
  for (const key of left) {
    context.store.settings.delete(leavingKey(groupId, key));
    changes.push({ event: 'left', actor: key, subjects: [key] });
  }
  if (kicked.length > 0) changes.push({ event: 'removed', actor, subjects: kicked });
  if (changes.length === 0) changes.push({ event: 'keyUpdated', actor, subjects: [actor] });
  return changes;
}

/** A member proposed a change; a proposal from a member to remove itself is a leave. */
export function noteLeaveProposal(context: ClientContext, groupId: string, member: Uint8Array): void {
  context.store.settings.set(leavingKey(groupId, toHex(member)), '1');
}

/** The id of the timeline entry of the `index`th change of a commit that reached `epoch`. */
export function membershipEntryId(
  groupId: string,
  epoch: bigint,
  change: MembershipChange,
  index: number,
): string {
  return `membership:${groupId}:${epoch}:${change.event}:${index}`;
}

/** Writes the entries for a change that reached `epoch` (idempotent: a replay writes nothing). */
export function recordMembership(
  context: ClientContext,
  groupId: string,
  epoch: bigint,
  changes: readonly MembershipChange[],
): MessageRecord[] {
  const now = context.mls.clock.now();
  const own = ownIdentityHex(context);
  const written: MessageRecord[] = [];
  changes.forEach((change, index) => {
    // A change we made (an invite, a kick, our own update) is not news to us, so it is not unread;
    // joining is, although its entry names us: someone else's invite brought us in.
    const ours = change.actor === own && change.event !== 'joined';
    const record: MessageRecord = {
      // The event is part of the id: a removal is recorded at the epoch it left, which an earlier
      // change may have reached.
      id: membershipEntryId(groupId, epoch, change, index),
      groupId,
      sender: change.actor,
      direction: ours ? 'out' : 'in',
      text: JSON.stringify(change),
      epoch,
      sentAt: now,
      receivedAt: now,
      kind: 'membership',
    };
    if (context.store.messages.append(record)) written.push(record);
  });
  return written;
}

/** Keeps the name of a group we leave or are removed from, for the entries that name it afterwards. */
export function rememberFormerName(context: ClientContext, groupId: string, name: string): void {
  context.store.settings.set(FORMER_NAME_PREFIX + groupId, name);
}

export function formerGroupName(context: ClientContext, groupId: string): string | undefined {
  return context.store.settings.get(FORMER_NAME_PREFIX + groupId);
}

/** Parses a stored entry's text; a row that does not parse shows as an update by its sender. */
export function parseMembership(record: MessageRecord): MembershipChange {
  try {
    const value = JSON.parse(record.text) as Partial<MembershipChange>;
    if (typeof value.event === 'string' && typeof value.actor === 'string' && Array.isArray(value.subjects)) {
      const { event, actor } = value;
      const reason = value.code;
      const withReason = typeof reason === 'string' ? { code: reason } : {};
      const { messageId, resealed } = value;
      const about = typeof messageId === 'string' ? { messageId, resealed: resealed === true } : {};
      return { event, actor, subjects: value.subjects.map(String), ...withReason, ...about };
    }
  } catch {
    // Written by this module only; a damaged row still shows, as below.
  }
  return { event: 'keyUpdated', actor: record.sender, subjects: [record.sender] };
}

function leavingKey(groupId: string, member: string): string {
  return `${LEAVING_PREFIX}${groupId}.${member}`;
}
