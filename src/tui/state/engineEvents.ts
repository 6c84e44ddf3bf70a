/** How engine events and engine results change the TUI state. Pure. */
import type { ChatMessage, EngineEvent, GroupSummary, MessagePage, PendingInvite } from '../engineApi.js';
import type { AppState, GroupMessages, StatusLine } from './appState.js';
import { upsertMessage } from './messageWindow.js';

/** Most recent activity first; ties by name so the order is stable. */
export function sortGroups(groups: readonly GroupSummary[]): GroupSummary[] {
  return [...groups].sort((a, b) => b.lastActivity - a.lastActivity || a.name.localeCompare(b.name));
}

/** Keeps the selection when the group still exists, otherwise selects the most recent group. */
export function withGroups(state: AppState, groups: readonly GroupSummary[]): AppState {
  const sorted = sortGroups(groups);
  const stillThere = sorted.some((group) => group.id === state.selectedGroupId);
  return {
    ...state,
    groups: sorted,
    selectedGroupId: stillThere ? state.selectedGroupId : (sorted[0]?.id ?? null),
  };
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

/**
 * A new message moves its group to the top (groups are ordered by last activity) and, when it arrives
 * in a group not open, counts as unread at once: the count is right on every message, not only when
 * the engine next lists the groups.
 */
function withActivity(state: AppState, message: ChatMessage, isNew: boolean): AppState {
  const group = state.groups.find((candidate) => candidate.id === message.groupId);
  if (group === undefined || !isNew) return state;
  const unseen = !message.outgoing && message.groupId !== state.selectedGroupId;
  const updated = {
    ...group,
    unread: group.unread + (unseen ? 1 : 0),
    lastActivity: Math.max(group.lastActivity, message.sentAt),
  };
  return withGroups(
    state,
    state.groups.map((candidate) => (candidate === group ? updated : candidate)),
  );
}

function withMessage(state: AppState, message: ChatMessage): AppState {
  const groupId = message.groupId;
  const current = state.messages[groupId];
  const known = current?.items.some((item) => item.id === message.id) ?? false;
  const active = withActivity(state, message, !known);
  // History not loaded yet: the engine has stored the message and loadMessages will bring it.
  if (current === undefined) return active;
  const items = upsertMessage(current.items, message);
  const grew = items.length > current.items.length;
  const offset = active.scroll[groupId] ?? 0;
  // A reader scrolled up keeps looking at the same messages while new ones arrive below.
  const scroll = grew && offset > 0 ? { ...active.scroll, [groupId]: offset + 1 } : active.scroll;
  // The first message that arrives unseen (group not open, or scrolled up) gets the "new messages" line.
  const unseen = grew && !message.outgoing && (groupId !== active.selectedGroupId || offset > 0);
  const unreadFrom =
    unseen && active.unreadFrom[groupId] === undefined
      ? { ...active.unreadFrom, [groupId]: message.id }
      : active.unreadFrom;
  return {
    ...active,
    messages: { ...active.messages, [groupId]: { ...current, items } },
    scroll,
    unreadFrom,
  };
}

/** Where the "new messages" line goes when a group opens with `unread` messages not yet read. */
export function firstUnreadId(items: readonly ChatMessage[], unread: number): string | undefined {
  let remaining = unread;
  for (let index = items.length - 1; index >= 0 && remaining > 0; index -= 1) {
    const item = items[index];
    if (item === undefined || item.outgoing) continue;
    remaining -= 1;
    if (remaining === 0) return item.id;
  }
  // More unread than loaded: the line goes above the oldest loaded message.
  return unread > 0 ? items.find((item) => !item.outgoing)?.id : undefined;
}

/**
 * The invites overlay follows the list (closing when none is left); a new invite is said on the status
 * line with the keys and commands that answer it.
 */
function withInvites(state: AppState, invites: readonly PendingInvite[]): AppState {
  const known = new Set(state.invites.map((invite) => invite.id));
  const arrived = invites.filter((invite) => !known.has(invite.id)).at(-1);
  let overlay = state.overlay;
  if (overlay.kind === 'invites') {
    overlay =
      invites.length === 0
        ? { kind: 'none' }
        : { kind: 'invites', selected: Math.min(overlay.selected, invites.length - 1) };
  }
  const status: StatusLine | null =
    arrived === undefined
      ? state.status
      : {
          tone: 'info',
          text: `invite to ${arrived.groupName} waits: I (in the group list) to review, or /accept ${arrived.groupName}`,
        };
  return { ...state, invites, overlay, status };
}

export function applyEngineEvent(state: AppState, event: EngineEvent): AppState {
  switch (event.type) {
    case 'connectionChanged':
      return { ...state, connection: event.connection };
    case 'groupsChanged':
      return withGroups(state, event.groups);
    case 'messageReceived':
    case 'messageSent':
      return withMessage(state, event.message);
    case 'deliveryStateChanged': {
      const current = state.messages[event.groupId];
      if (current === undefined) return state;
      const index = current.items.findLastIndex((message) => message.id === event.messageId);
      const found = current.items[index];
      if (found === undefined) return state;
      const items = current.items.slice();
      items[index] = { ...found, state: event.state };
      return { ...state, messages: { ...state.messages, [event.groupId]: { ...current, items } } };
    }
    case 'membersChanged':
      return { ...state, members: { ...state.members, [event.groupId]: event.members } };
    case 'groupRemoved': {
      const group = state.groups.find((candidate) => candidate.id === event.groupId);
      const remaining = state.groups.filter((candidate) => candidate.id !== event.groupId);
      const next = withGroups(
        {
          ...state,
          messages: withoutKey(state.messages, event.groupId),
          scroll: withoutKey(state.scroll, event.groupId),
          scrollRows: withoutKey(state.scrollRows, event.groupId),
          unreadFrom: withoutKey(state.unreadFrom, event.groupId),
          members: withoutKey(state.members, event.groupId),
        },
        remaining,
      );
      const name = group?.name ?? 'a group';
      const text = event.reason === 'left' ? `you left ${name}` : `you were removed from ${name}`;
      return { ...next, status: { tone: 'info', text } };
    }
    case 'invitesChanged':
      return withInvites(state, event.invites);
    case 'sealedUnopened': {
      // A recipient could not open our sealed message: the timeline entry says who; the status says what.
      const then = event.resealed ? 're-sent to their current key' : 'not delivered';
      const text = `✗ a recipient could not open your message (${event.code}); ${then}`;
      return { ...state, status: { tone: event.resealed ? 'info' : 'error', text } };
    }
    case 'incomingDropped':
      // The engine acked and dropped a message it could not use; say so without showing any content.
      return { ...state, status: { tone: 'error', text: `an incoming message was dropped (${event.code})` } };
    case 'backgroundFailed': {
      // Work the engine did by itself failed (catch-up, KeyPackages, the outbox...): show it, never hide it.
      const hint = event.hint === undefined ? '' : `; ${event.hint}`;
      const text = `${event.message} (${event.code}${hint})`;
      return { ...state, status: { tone: 'error', text } };
    }
    case 'incomingDeferred':
      // Not lost: the engine fetches it again; the status line says why it waits.
      return {
        ...state,
        status: { tone: 'error', text: `an incoming message waits (${event.code}); retrying` },
      };
    case 'accountReRegistered':
      // The operator replaced the server's login keys: the login re-registered us; say why it took longer.
      return {
        ...state,
        status: {
          tone: 'info',
          text: 'the server replaced its login keys: this account was re-registered in place (same name, groups and keys)',
        },
      };
    case 'commitDiscarded':
      // A change of ours lost its epoch to another member's: say it did not happen.
      return { ...state, status: { tone: 'error', text: `a group change was not applied (${event.code})` } };
  }
}

export function applyMessagePage(
  state: AppState,
  groupId: string,
  page: MessagePage,
  older: boolean,
  unreadAtOpen?: number,
): AppState {
  const current = state.messages[groupId];
  let items: readonly ChatMessage[];
  if (older && current !== undefined) {
    const known = new Set(current.items.map((message) => message.id));
    items = [...page.messages.filter((message) => !known.has(message.id)), ...current.items];
  } else {
    items = page.messages;
  }
  const entry: GroupMessages = { items, hasMore: page.hasMore, loading: false };
  const next = { ...state, messages: { ...state.messages, [groupId]: entry } };
  const unread = unreadAtOpen ?? state.groups.find((group) => group.id === groupId)?.unread ?? 0;
  if (older || unread === 0 || state.unreadFrom[groupId] !== undefined) return next;
  const marker = firstUnreadId(items, unread);
  return marker === undefined ? next : { ...next, unreadFrom: { ...next.unreadFrom, [groupId]: marker } };
}
