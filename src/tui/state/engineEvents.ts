/** How engine events and engine results change the TUI state. Pure. */
import type { ChatMessage, EngineEvent, GroupSummary, MessagePage } from '../engineApi.js';
import type { AppState, GroupMessages } from './appState.js';
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

function withMessage(state: AppState, message: ChatMessage): AppState {
  const current = state.messages[message.groupId];
  // History not loaded yet: the engine has stored the message and loadMessages will bring it.
  if (current === undefined) return state;
  const items = upsertMessage(current.items, message);
  const grew = items.length > current.items.length;
  const offset = state.scroll[message.groupId] ?? 0;
  // A reader scrolled up keeps looking at the same messages while new ones arrive below.
  const scroll = grew && offset > 0 ? { ...state.scroll, [message.groupId]: offset + 1 } : state.scroll;
  return { ...state, messages: { ...state.messages, [message.groupId]: { ...current, items } }, scroll };
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
          members: withoutKey(state.members, event.groupId),
        },
        remaining,
      );
      const name = group?.name ?? 'a group';
      const text = event.reason === 'left' ? `you left ${name}` : `you were removed from ${name}`;
      return { ...next, status: { tone: 'info', text } };
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
  return { ...state, messages: { ...state.messages, [groupId]: entry } };
}
