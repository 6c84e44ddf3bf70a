/** Read models for the facade: member lists with usernames and verification, pages of history. */
import { fromHex, toHex, wipe } from '../../lib/bytes.js';
import { fingerprintOf } from '../identity/index.js';
import type { MessageRecord } from '../store/types.js';
import { chatMessageOf, ownIdentityHex, type ClientContext, type LoadedIdentity } from './clientContext.js';
import { usernameOf } from './directory.js';
import { noRecipientsCheck, type NoRecipientsCheck } from './recipientsAtSend.js';
import { verificationOfKey } from './contactTrust.js';
import { rotationSentence } from '../keys/identityRotationIntake.js';
import { formerGroupName, parseMembership, type MembershipEvent } from './membershipTimeline.js';
import type {
  ChatMessage,
  GroupMember,
  LoadMessagesOptions,
  MessagePage,
  SelfIdentity,
} from './engineTypes.js';

export async function membersOf(identityKeys: Uint8Array[], context: ClientContext): Promise<GroupMember[]> {
  const own = ownIdentityHex(context);
  const members: GroupMember[] = [];
  for (const key of identityKeys) {
    const hex = toHex(key);
    const self = hex === own;
    const fingerprint = fingerprintOf(key).hex;
    const username = self
      ? (context.identity().username ?? fingerprintOf(key).short)
      : await usernameOf(key, context.store, context.connection());
    const verified = context.store.contacts.get(hex)?.verifiedFingerprint ?? null;
    // The trust record (contactTrust.ts) follows the username across key changes; it wins when present.
    const verification =
      verificationOfKey(context.store, hex) ??
      (verified === null ? 'unverified' : verified === fingerprint ? 'verified' : 'changed');
    members.push({ username, fingerprint, verification, self });
  }
  return members;
}

/** Emits each new membership entry as a received timeline item (TUI pane, `qpc receive`). */
/** Emits groupsChanged and, for one group still held, membersChanged. */
export async function announceGroup(context: ClientContext, groupId: string | undefined): Promise<void> {
  context.emit({ type: 'groupsChanged', groups: context.groups.summaries() });
  if (groupId === undefined || !context.groups.has(groupId)) return;
  const session = await context.groups.session(groupId);
  const members = await membersOf(session.info().members, context);
  context.emit({ type: 'membersChanged', groupId, members });
}

/** Who we are: username and fingerprint. */
export function selfIdentityOf(identity: LoadedIdentity): SelfIdentity {
  const fingerprint = fingerprintOf(identity.mls.signingPublicKey);
  return {
    username: identity.username ?? '',
    fingerprint: fingerprint.hex,
    fingerprintGroups: fingerprint.grouped.split(' '),
  };
}

export async function announceMembership(
  context: ClientContext,
  records: readonly MessageRecord[],
): Promise<void> {
  for (const record of records) {
    context.emit({ type: 'messageReceived', message: await chatMessageFromRecord(record, context) });
  }
}

async function nameOf(hex: string, context: ClientContext): Promise<string> {
  if (hex === ownIdentityHex(context))
    return context.identity().username ?? fingerprintOf(fromHex(hex)).short;
  return usernameOf(fromHex(hex), context.store, context.connection());
}

const MEMBERSHIP_VERBS: Record<MembershipEvent, string> = {
  joined: 'joined the group',
  added: 'added',
  removed: 'removed',
  left: 'left the group',
  keyUpdated: 'updated their keys',
  declined: 'declined the invite',
  refused: 'could not open the invite',
  identityRotated: 'rotated their identity key',
  unopened: 'could not open a message',
};

function unopenedSentence(actor: string, change: { code?: string; resealed?: boolean }): string {
  const then = change.resealed === true ? 're-sent sealed to their current key' : 'not delivered';
  return `✗ ${actor} could not open your message (${change.code ?? 'unknown'}); ${then}`;
}

async function membershipMessage(record: MessageRecord, context: ClientContext): Promise<ChatMessage> {
  const change = parseMembership(record);
  const actor = await nameOf(change.actor, context);
  const subjects: string[] = [];
  for (const subject of change.subjects) subjects.push(await nameOf(subject, context));
  const named = change.event === 'added' || change.event === 'removed';
  const text =
    change.event === 'unopened'
      ? unopenedSentence(actor, change)
      : change.event === 'refused'
        ? `${actor}'s client could not open the invite (${change.code ?? 'unknown'})`
        : change.event === 'identityRotated'
          ? rotationSentence(context, actor, change.actor)
          : `${actor} ${MEMBERSHIP_VERBS[change.event]}${named ? ` ${subjects.join(', ')}` : ''}`;
  return {
    id: record.id,
    groupId: record.groupId,
    sender: { username: actor, fingerprint: fingerprintOf(fromHex(change.actor)).hex },
    text,
    sentAt: record.sentAt,
    state: 'delivered',
    decryptFailed: false,
    outgoing: false,
    membership: {
      event: change.event,
      actor,
      subjects,
      ...(change.code === undefined ? {} : { code: change.code }),
      ...(change.messageId === undefined ? {} : { messageId: change.messageId, resealed: change.resealed }),
    },
  };
}

/**
 * What the delivery state of our own messages is read from, gathered once per page of history: per
 * message it was a scan of the outbox, a proof lookup and a full read of the group's history.
 */
export interface OutgoingFacts {
  readonly pendingGroups: ReadonlySet<string>;
  readonly proven: ReadonlySet<string>;
  readonly noRecipients: NoRecipientsCheck;
}

function outgoingFacts(
  context: ClientContext,
  groupId: string,
  oldest: MessageRecord,
  records: readonly MessageRecord[],
): OutgoingFacts {
  const outgoingIds = records.filter((record) => record.direction === 'out').map((record) => record.id);
  return {
    pendingGroups: new Set(context.store.outbox.list().map((entry) => entry.groupId)),
    proven: outgoingIds.length === 0 ? new Set() : context.store.deliveryProofs.proven(outgoingIds),
    noRecipients: noRecipientsCheck(context, groupId, oldest),
  };
}

export async function chatMessageFromRecord(
  record: MessageRecord,
  context: ClientContext,
  facts?: OutgoingFacts,
): Promise<ChatMessage> {
  if (record.kind === 'membership') return membershipMessage(record, context);
  if (record.kind === 'dropped') {
    // A message that could never be read: no sender to name, the error code as its text.
    return {
      id: record.id,
      groupId: record.groupId,
      sender: { username: '', fingerprint: '' },
      text: record.text,
      sentAt: record.sentAt,
      state: 'failed',
      decryptFailed: true,
      outgoing: false,
    };
  }
  const senderKey = fromHex(record.sender);
  const outgoing = record.direction === 'out';
  const username = outgoing
    ? (context.identity().username ?? '')
    : await usernameOf(senderKey, context.store, context.connection());
  if (!outgoing) return chatMessageOf(record, { username, identityKey: senderKey }, false, 'delivered');
  const known = facts ?? outgoingFacts(context, record.groupId, record, [record]);
  const pending = known.pendingGroups.has(record.groupId);
  const state = pending ? 'pending' : known.proven.has(record.id) ? 'sent' : 'accepted';
  // Without a proof: sent to members whose copies carry none, or to nobody (recipientsAtSend.ts).
  const shown = state === 'accepted' && (await known.noRecipients(record)) ? 'noRecipients' : state;
  return chatMessageOf(record, { username, identityKey: senderKey }, true, shown);
}

export async function loadMessagePage(
  context: ClientContext,
  groupId: string,
  options: LoadMessagesOptions,
): Promise<MessagePage> {
  const records = context.store.messages.list(groupId, {
    limit: options.limit + 1,
    ...(options.before === undefined ? {} : { beforeId: options.before }),
  });
  const hasMore = records.length > options.limit;
  const page = hasMore ? records.slice(records.length - options.limit) : records;
  const oldest = page[0];
  if (oldest === undefined) return { messages: [], hasMore };
  const facts = outgoingFacts(context, groupId, oldest, page);
  const messages: ChatMessage[] = [];
  for (const record of page) messages.push(await chatMessageFromRecord(record, context, facts));
  return { messages, hasMore };
}

export interface InboxItem {
  seq: number;
  groupName: string;
  message: ChatMessage;
}

/** Received messages stored after `seq` (the messages table order), for readers with a cursor. */
export async function inboxAfter(context: ClientContext, seq: number, limit: number): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  for (const entry of context.store.inbox.after(seq, limit)) {
    const group = context.store.groups.get(entry.message.groupId);
    if (group !== undefined) wipe(group.state);
    items.push({
      seq: entry.seq,
      // A group we were removed from or left is gone from the store; its name was kept.
      groupName: group?.name ?? formerGroupName(context, entry.message.groupId) ?? '',
      message: await chatMessageFromRecord(entry.message, context),
    });
  }
  return items;
}
