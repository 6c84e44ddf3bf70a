import { emptyTextInput } from '../input/textInput.js';
import { describe, expect, it } from 'vitest';
import { makeGroup, makeMessage } from '../testing/fakeEngine.js';
import { helpLines } from '../helpContent.js';
import { appReducer, helpViewportRows, needsOlderMessages } from './appReducer.js';
import { initialAppState } from './appState.js';
import type { AppAction, AppState } from './appState.js';

function run(state: AppState, ...actions: AppAction[]): AppState {
  return actions.reduce(appReducer, state);
}

const groups = [
  makeGroup('old', { lastActivity: 10 }),
  makeGroup('new', { lastActivity: 30, unread: 2 }),
  makeGroup('mid', { lastActivity: 20 }),
];

function loaded(count: number): AppState {
  const messages = Array.from({ length: count }, (_, index) => makeMessage('new', index));
  return run(
    initialAppState(),
    { type: 'engineEvent', event: { type: 'groupsChanged', groups } },
    { type: 'messagesLoaded', groupId: 'new', page: { messages, hasMore: false }, older: false },
  );
}

describe('groups', () => {
  it('sorts by last activity and selects the most recent group', () => {
    const state = run(initialAppState(), { type: 'engineEvent', event: { type: 'groupsChanged', groups } });
    expect(state.groups.map((group) => group.id)).toEqual(['new', 'mid', 'old']);
    expect(state.selectedGroupId).toBe('new');
  });

  it('moves the selection with up/down in the groups pane, clamped at the ends', () => {
    let state = run(loaded(0), { type: 'focus', pane: 'groups' }, { type: 'move', delta: 1 });
    expect(state.selectedGroupId).toBe('mid');
    state = run(state, { type: 'move', delta: 1 }, { type: 'move', delta: 1 });
    expect(state.selectedGroupId).toBe('old');
    state = run(state, { type: 'move', delta: -1 }, { type: 'move', delta: -1 }, { type: 'move', delta: -1 });
    expect(state.selectedGroupId).toBe('new');
  });

  it('keeps the selection across list updates and falls back when the group goes away', () => {
    let state = run(loaded(0), { type: 'selectGroup', groupId: 'old' });
    state = run(state, { type: 'engineEvent', event: { type: 'groupsChanged', groups: [...groups] } });
    expect(state.selectedGroupId).toBe('old');
    state = run(state, {
      type: 'engineEvent',
      event: { type: 'groupRemoved', groupId: 'old', reason: 'removed' },
    });
    expect(state.selectedGroupId).toBe('new');
    expect(state.status).toEqual({ tone: 'info', text: 'you were removed from old' });
  });

  it('ignores selecting a group that does not exist', () => {
    const state = loaded(0);
    expect(run(state, { type: 'selectGroup', groupId: 'nope' })).toBe(state);
  });
});

describe('focus and overlays', () => {
  it('cycles panes with focusNext/focusPrevious, not while an overlay is open', () => {
    let state = initialAppState();
    expect(state.focus).toBe('composer');
    state = run(state, { type: 'focusNext' });
    expect(state.focus).toBe('groups');
    state = run(state, { type: 'focusPrevious' }, { type: 'focusPrevious' });
    expect(state.focus).toBe('messages');
    state = run(state, { type: 'openOverlay', overlay: { kind: 'help', scroll: 0 } }, { type: 'focusNext' });
    expect(state.focus).toBe('messages');
    expect(run(state, { type: 'closeOverlay' }).overlay).toEqual({ kind: 'none' });
  });

  it('edits one line of overlay input without control characters', () => {
    const state = run(
      initialAppState(),
      { type: 'openOverlay', overlay: { kind: 'createGroup', input: emptyTextInput } },
      { type: 'overlayEdit', edit: { type: 'insert', text: 'te\nam\u001b' } },
      { type: 'overlayEdit', edit: { type: 'insert', text: 's' } },
      { type: 'overlayEdit', edit: { type: 'backspace' } },
    );
    // A pasted line break becomes a space: a one-line field never holds a newline.
    expect(state.overlay).toEqual({ kind: 'createGroup', input: { text: 'te am', cursor: 5 } });
  });

  it('scrolls help within its length', () => {
    let state = run(initialAppState(), { type: 'openOverlay', overlay: { kind: 'help', scroll: 0 } });
    state = run(state, { type: 'move', delta: -1 });
    expect(state.overlay).toEqual({ kind: 'help', scroll: 0 });
    const pages = Math.ceil(helpLines().length / helpViewportRows(state)) + 1;
    for (let page = 0; page < pages; page += 1) state = run(state, { type: 'page', direction: 1 });
    expect(state.overlay).toEqual({ kind: 'help', scroll: helpLines().length - helpViewportRows(state) });
  });

  it('moves the member selection within the member list', () => {
    const members = ['alice', 'bob'].map((username) => ({
      username,
      fingerprint: 'ab'.repeat(32),
      verification: 'unverified' as const,
      self: false,
    }));
    let state = run(
      loaded(0),
      { type: 'membersLoaded', groupId: 'new', members },
      { type: 'openOverlay', overlay: { kind: 'members', selected: 0 } },
      { type: 'move', delta: 1 },
      { type: 'move', delta: 1 },
    );
    expect(state.overlay).toEqual({ kind: 'members', selected: 1 });
    state = run(state, { type: 'move', delta: -1 });
    expect(state.overlay).toEqual({ kind: 'members', selected: 0 });
  });
});

describe('messages', () => {
  it('scrolls up one with Up in the messages pane, clamped to the list', () => {
    let state = run(loaded(3), { type: 'focus', pane: 'messages' }, { type: 'move', delta: -1 });
    expect(state.scroll['new']).toBe(1);
    state = run(state, { type: 'move', delta: -1 }, { type: 'move', delta: -1 }, { type: 'move', delta: -1 });
    expect(state.scroll['new']).toBe(2);
    state = run(state, { type: 'move', delta: 1 }, { type: 'move', delta: 1 }, { type: 'move', delta: 1 });
    expect(state.scroll['new']).toBe(0);
  });

  it('pages by the number of whole messages on screen, less one', () => {
    // 80x24: 24 - status bar - status line - composer (3) - pane border (2) - title = 16 rows,
    // one of them the "new messages" line (the group has 2 unread): 15 whole messages.
    const state = run(loaded(1000), { type: 'page', direction: -1 });
    expect(state.scroll['new']).toBe(14);
    expect(run(state, { type: 'page', direction: 1 }).scroll['new']).toBe(0);
  });

  it('appends new messages, and keeps a scrolled-up reader on the same messages', () => {
    let state = run(loaded(50), { type: 'focus', pane: 'messages' }, { type: 'move', delta: -1 });
    state = run(state, {
      type: 'engineEvent',
      event: { type: 'messageReceived', message: makeMessage('new', 50) },
    });
    expect(state.messages['new']?.items).toHaveLength(51);
    expect(state.scroll['new']).toBe(2);
  });

  it('ignores messages for a group whose history is not loaded', () => {
    const state = loaded(0);
    const next = run(state, {
      type: 'engineEvent',
      event: { type: 'messageReceived', message: makeMessage('mid', 1) },
    });
    expect(next.messages['mid']).toBeUndefined();
  });

  it('updates the delivery state of a sent message', () => {
    const mine = makeMessage('new', 5, { outgoing: true, state: 'pending' });
    let state = run(loaded(5), { type: 'engineEvent', event: { type: 'messageSent', message: mine } });
    state = run(state, {
      type: 'engineEvent',
      event: { type: 'deliveryStateChanged', groupId: 'new', messageId: mine.id, state: 'delivered' },
    });
    expect(state.messages['new']?.items.at(-1)?.state).toBe('delivered');
  });

  it('prepends an older page without duplicates and asks for more a pane ahead of the top', () => {
    const all = Array.from({ length: 80 }, (_, index) => makeMessage('new', index));
    let state = run(
      initialAppState(),
      { type: 'engineEvent', event: { type: 'groupsChanged', groups } },
      {
        type: 'messagesLoaded',
        groupId: 'new',
        page: { messages: all.slice(20), hasMore: true },
        older: false,
      },
      { type: 'focus', pane: 'messages' },
    );
    // 60 loaded, one row each: at the bottom and one page up, more than a pane is left above.
    expect(needsOlderMessages(state)).toBe(false);
    state = run(state, { type: 'page', direction: -1 });
    expect(needsOlderMessages(state)).toBe(false);
    state = run(state, { type: 'page', direction: -1 });
    expect(needsOlderMessages(state)).toBe(true);
    state = run(state, {
      type: 'messagesLoaded',
      groupId: 'new',
      page: { messages: all.slice(0, 21), hasMore: false },
      older: true,
    });
    expect(state.messages['new']?.items.map((message) => message.id)).toEqual(
      all.map((message) => message.id),
    );
    expect(needsOlderMessages(state)).toBe(false);
  });
});

describe('status and connection', () => {
  it('records connection changes and status lines', () => {
    const state = run(
      initialAppState(),
      {
        type: 'engineEvent',
        event: { type: 'connectionChanged', connection: { status: 'offline', server: 's:1' } },
      },
      { type: 'status', status: { tone: 'error', text: 'boom' } },
    );
    expect(state.connection).toEqual({ status: 'offline', server: 's:1' });
    expect(state.status).toEqual({ tone: 'error', text: 'boom' });
  });

  it('stores the terminal size on resize', () => {
    expect(run(initialAppState(), { type: 'resized', size: { columns: 120, rows: 40 } }).size).toEqual({
      columns: 120,
      rows: 40,
    });
  });
});
