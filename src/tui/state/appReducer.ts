/** The TUI reducer: (state, action) => state, no side effects. Engine calls live in tuiController. */
import type { VerificationState } from '../engineApi.js';
import { helpLines } from '../helpContent.js';
import { applyTextEdit, oneLine } from '../input/textInput.js';
import type { TextEdit } from '../input/textInput.js';
import type { AppAction, AppState, Overlay } from './appState.js';
import { paneOrder, selectedGroup } from './appState.js';
import { composerLines, composerReducer } from './composerState.js';
import { applyEngineEvent, applyMessagePage, withGroups } from './engineEvents.js';
import { computeLayout } from './layout.js';
import { computeMessageWindow } from './messageWindow.js';
import { jumpNewest, jumpUnread, scrollLine, scrollPage } from './messageScroll.js';

/** Longest text each overlay prompt takes: names are short, 24 recovery words and passwords are not. */
const maxOverlayInput: Record<
  'createGroup' | 'invite' | 'revealPassword' | 'changePassword' | 'backupWords',
  number
> = {
  createGroup: 64,
  invite: 64,
  revealPassword: 1024,
  changePassword: 1024,
  backupWords: 400,
};

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), Math.max(low, high));
}

/** Rows the help overlay shows at once: the screen minus its border, title and footer. */
export function helpViewportRows(state: AppState): number {
  return Math.max(1, state.size.rows - 4);
}

function moveGroupSelection(state: AppState, delta: number): AppState {
  if (state.groups.length === 0) return state;
  const index = state.groups.findIndex((group) => group.id === state.selectedGroupId);
  const next = state.groups[clamp(index + delta, 0, state.groups.length - 1)];
  return next === undefined ? state : selectGroup(state, next.id);
}

function moveInOverlay(state: AppState, overlay: Overlay, delta: number): AppState {
  if (overlay.kind === 'help') {
    const maxScroll = helpLines().length - helpViewportRows(state);
    return { ...state, overlay: { kind: 'help', scroll: clamp(overlay.scroll + delta, 0, maxScroll) } };
  }
  if (overlay.kind === 'invites') {
    return {
      ...state,
      overlay: { kind: 'invites', selected: clamp(overlay.selected + delta, 0, state.invites.length - 1) },
    };
  }
  if (overlay.kind === 'members') {
    const count = state.selectedGroupId === null ? 0 : (state.members[state.selectedGroupId]?.length ?? 0);
    return {
      ...state,
      overlay: { kind: 'members', selected: clamp(overlay.selected + delta, 0, count - 1) },
    };
  }
  return state;
}

function move(state: AppState, delta: -1 | 1): AppState {
  if (state.overlay.kind !== 'none') return moveInOverlay(state, state.overlay, delta);
  switch (state.focus) {
    case 'groups':
      return moveGroupSelection(state, delta);
    case 'messages':
      return scrollLine(state, delta);
    case 'composer':
      return { ...state, composer: composerReducer(state.composer, { type: delta < 0 ? 'up' : 'down' }) };
  }
}

function page(state: AppState, direction: -1 | 1): AppState {
  if (state.overlay.kind === 'help')
    return moveInOverlay(state, state.overlay, direction * helpViewportRows(state));
  if (state.overlay.kind !== 'none') return state;
  return scrollPage(state, direction);
}

function editOverlayInput(state: AppState, edit: TextEdit): AppState {
  const overlay = state.overlay;
  if (
    overlay.kind !== 'createGroup' &&
    overlay.kind !== 'invite' &&
    overlay.kind !== 'revealPassword' &&
    overlay.kind !== 'changePassword' &&
    overlay.kind !== 'backupWords'
  )
    return state;
  // One line only: a pasted newline becomes a space, other control characters are dropped.
  const clean: TextEdit = edit.type === 'insert' ? { type: 'insert', text: oneLine(edit.text) } : edit;
  const edited = applyTextEdit(overlay.input, clean);
  if ([...edited.text].length > maxOverlayInput[overlay.kind]) return state;
  return { ...state, overlay: { ...overlay, input: edited } };
}

/** Leaving a group: its unread line has been seen, so it goes. */
function selectGroup(state: AppState, groupId: string): AppState {
  const previous = state.selectedGroupId;
  if (previous === groupId) return state;
  if (previous === null || state.unreadFrom[previous] === undefined)
    return { ...state, selectedGroupId: groupId };
  const unreadFrom = { ...state.unreadFrom };
  delete unreadFrom[previous];
  return { ...state, selectedGroupId: groupId, unreadFrom };
}

export function appReducer(state: AppState, action: AppAction): AppState {
  switch (action.type) {
    case 'resized':
      return { ...state, size: action.size };
    case 'snapshotLoaded':
      return withGroups({ ...state, connection: action.snapshot.connection }, action.snapshot.groups);
    case 'engineEvent':
      return applyEngineEvent(state, action.event);
    case 'selfLoaded':
      return { ...state, self: action.self };
    case 'messagesLoading': {
      const current = state.messages[action.groupId] ?? { items: [], hasMore: true, loading: false };
      return { ...state, messages: { ...state.messages, [action.groupId]: { ...current, loading: true } } };
    }
    case 'messagesLoaded':
      return applyMessagePage(state, action.groupId, action.page, action.older, action.unread);
    case 'membersLoaded':
      return { ...state, members: { ...state.members, [action.groupId]: action.members } };
    case 'focusNext':
    case 'focusPrevious': {
      if (state.overlay.kind !== 'none') return state;
      const step = action.type === 'focusNext' ? 1 : paneOrder.length - 1;
      const next = paneOrder[(paneOrder.indexOf(state.focus) + step) % paneOrder.length];
      return next === undefined ? state : { ...state, focus: next };
    }
    case 'focus':
      return { ...state, focus: action.pane };
    case 'move':
      return move(state, action.delta);
    case 'page':
      return page(state, action.direction);
    case 'selectGroup':
      return state.groups.some((group) => group.id === action.groupId)
        ? selectGroup(state, action.groupId)
        : state;
    case 'jumpNewest':
      return jumpNewest(state);
    case 'jumpUnread':
      return jumpUnread(state);
    case 'openOverlay':
      return { ...state, overlay: action.overlay };
    case 'closeOverlay':
      // The safety number was opened from the members list: closing it goes back there.
      return state.overlay.kind === 'safetyNumber' && state.overlay.returnTo !== null
        ? { ...state, overlay: { kind: 'members', selected: state.overlay.returnTo } }
        : { ...state, overlay: { kind: 'none' } };
    case 'safetyNumberLoaded':
      return state.overlay.kind === 'safetyNumber' && state.overlay.username === action.view.username
        ? {
            ...state,
            overlay: { ...state.overlay, view: action.view, verification: action.view.verification },
          }
        : state;
    case 'verificationChanged':
      return applyVerification(state, action.username, action.verification);
    case 'overlayEdit':
      return editOverlayInput(state, action.edit);
    case 'composer':
      return { ...state, composer: composerReducer(state.composer, action.action) };
    case 'status':
      return { ...state, status: action.status };
    case 'historyReplaced':
      return { ...state, messages: {}, scroll: {}, scrollRows: {}, unreadFrom: {} };
  }
}

function applyVerification(state: AppState, username: string, verification: VerificationState): AppState {
  const members = Object.fromEntries(
    Object.entries(state.members).map(([groupId, list]) => [
      groupId,
      list.map((member) => (member.username === username ? { ...member, verification } : member)),
    ]),
  );
  const overlay =
    state.overlay.kind === 'safetyNumber' && state.overlay.username === username
      ? { ...state.overlay, verification }
      : state.overlay;
  return { ...state, members, overlay };
}

/**
 * Whether older messages exist and fewer than a pane's height of loaded ones are left above the pane:
 * the next page is asked for ahead, so PgUp rarely reaches the top of what is loaded.
 */
export function needsOlderMessages(state: AppState): boolean {
  const group = selectedGroup(state);
  if (group === undefined) return false;
  const entry = state.messages[group.id];
  if (entry === undefined || entry.loading || !entry.hasMore) return false;
  const layout = computeLayout(state.size, composerLines(state.composer).lines.length);
  const window = computeMessageWindow(
    entry.items,
    state.scroll[group.id] ?? 0,
    layout.messageRows,
    layout.messageWidth,
    {
      rowsBelow: state.scrollRows[group.id] ?? 0,
      unreadFrom: state.unreadFrom[group.id],
      timeFormat: state.timeFormat,
    },
  );
  return window.start < layout.messageRows;
}
