/**
 * Where the messages pane is scrolled to. The position is a message anchor: `scroll` messages
 * scrolled past at the bottom (0 follows new messages), plus `scrollRows`, rows of the bottom message
 * hidden below the pane, so a message taller than the pane is read line by line from its first line.
 * Every step costs the rows of one or two messages, never the whole history.
 */
import type { AppState } from './appState.js';
import { selectedMessages } from './appState.js';
import { composerLines } from './composerState.js';
import { computeLayout } from './layout.js';
import { computeMessageWindow, rowsOfMessage } from './messageWindow.js';

interface Viewport {
  readonly height: number;
  readonly width: number;
}

function viewport(state: AppState): Viewport {
  const layout = computeLayout(state.size, composerLines(state.composer).lines.length);
  return { height: Math.max(1, layout.messageRows), width: layout.messageWidth };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

function withPosition(state: AppState, groupId: string, offset: number, rowsBelow: number): AppState {
  if ((state.scroll[groupId] ?? 0) === offset && (state.scrollRows[groupId] ?? 0) === rowsBelow) return state;
  return {
    ...state,
    scroll: { ...state.scroll, [groupId]: offset },
    scrollRows: { ...state.scrollRows, [groupId]: rowsBelow },
  };
}

function rowCount(state: AppState, index: number, view: Viewport): number {
  const groupId = state.selectedGroupId ?? '';
  return rowsOfMessage(
    selectedMessages(state),
    index,
    view.width,
    state.unreadFrom[groupId],
    state.timeFormat,
  ).length;
}

/**
 * When message `index` becomes the bottom one: a message taller than the pane starts with its first
 * line at the top (rows hidden below), any other shows whole.
 */
function rowsBelowFor(state: AppState, index: number, view: Viewport): number {
  return Math.max(0, rowCount(state, index, view) - view.height);
}

/** One line up (-1, back in time) or down (1). */
export function scrollLine(state: AppState, direction: -1 | 1): AppState {
  const groupId = state.selectedGroupId;
  if (groupId === null) return state;
  const count = selectedMessages(state).length;
  if (count === 0) return state;
  const view = viewport(state);
  const offset = state.scroll[groupId] ?? 0;
  const rowsBelow = state.scrollRows[groupId] ?? 0;
  const bottom = count - 1 - offset;
  if (direction < 0) {
    // Inside a tall bottom message, reveal its earlier lines first.
    const hiddenAbove = rowCount(state, bottom, view) - rowsBelow - view.height;
    if (hiddenAbove > 0) return withPosition(state, groupId, offset, rowsBelow + 1);
    if (offset >= count - 1) return state;
    return withPosition(state, groupId, offset + 1, 0);
  }
  if (rowsBelow > 0) return withPosition(state, groupId, offset, rowsBelow - 1);
  if (offset === 0) return state;
  return withPosition(state, groupId, offset - 1, rowsBelowFor(state, bottom + 1, view));
}

/** A page is the number of whole messages now on screen, less one kept for context. */
export function scrollPage(state: AppState, direction: -1 | 1): AppState {
  const groupId = state.selectedGroupId;
  if (groupId === null) return state;
  const messages = selectedMessages(state);
  const view = viewport(state);
  const offset = state.scroll[groupId] ?? 0;
  const window = computeMessageWindow(messages, offset, view.height, view.width, {
    rowsBelow: state.scrollRows[groupId] ?? 0,
    unreadFrom: state.unreadFrom[groupId],
    timeFormat: state.timeFormat,
  });
  const step = Math.max(1, window.wholeMessages - 1);
  const next = clamp(offset - direction * step, 0, messages.length - 1);
  return withPosition(state, groupId, next, 0);
}

/** Follow the newest message again. */
export function jumpNewest(state: AppState): AppState {
  const groupId = state.selectedGroupId;
  return groupId === null ? state : withPosition(state, groupId, 0, 0);
}

/** Scroll so the first unread message (and the "new messages" line above it) is at the top. */
export function jumpUnread(state: AppState): AppState {
  const groupId = state.selectedGroupId;
  if (groupId === null) return state;
  const marker = state.unreadFrom[groupId];
  const messages = selectedMessages(state);
  const index = marker === undefined ? -1 : messages.findIndex((message) => message.id === marker);
  if (index === -1) return { ...state, status: { tone: 'info', text: 'no unread messages here' } };
  const view = viewport(state);
  // Fill the pane downwards from the marker; the last message that fits whole is the bottom one.
  let used = rowCount(state, index, view);
  if (used >= view.height) {
    return withPosition(state, groupId, messages.length - 1 - index, used - view.height);
  }
  let last = index;
  while (last + 1 < messages.length) {
    const rows = rowCount(state, last + 1, view);
    if (used + rows > view.height) break;
    used += rows;
    last += 1;
  }
  return withPosition(state, groupId, messages.length - 1 - last, 0);
}
