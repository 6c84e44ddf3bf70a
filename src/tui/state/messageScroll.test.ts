import { describe, expect, it } from 'vitest';
import { makeGroup, makeMessage } from '../testing/fakeEngine.js';
import { appReducer } from './appReducer.js';
import { initialAppState } from './appState.js';
import type { AppAction, AppState } from './appState.js';
import { computeMessageWindow, unreadLine } from './messageWindow.js';
import { computeLayout } from './layout.js';

process.env.TZ = 'UTC';

function run(state: AppState, ...actions: AppAction[]): AppState {
  return actions.reduce(appReducer, state);
}

const groups = [makeGroup('g', { lastActivity: 30, unread: 0 }), makeGroup('h', { lastActivity: 20 })];

function open(messages = 50, unread = 0): AppState {
  const items = Array.from({ length: messages }, (_, index) => makeMessage('g', index));
  return run(
    initialAppState(),
    { type: 'engineEvent', event: { type: 'groupsChanged', groups } },
    { type: 'messagesLoaded', groupId: 'g', page: { messages: items, hasMore: false }, older: false, unread },
    { type: 'focus', pane: 'messages' },
  );
}

/** The text of the rows the pane shows now. */
function shown(state: AppState): string[] {
  const layout = computeLayout(state.size, 1);
  return computeMessageWindow(
    state.messages['g']?.items ?? [],
    state.scroll['g'] ?? 0,
    layout.messageRows,
    layout.messageWidth,
    { rowsBelow: state.scrollRows['g'] ?? 0, unreadFrom: state.unreadFrom['g'] },
  ).rows.map((row) => row.text);
}

describe('the message pane', () => {
  it('scrolls a message taller than the pane line by line, from its first line', () => {
    const tall = Array.from({ length: 40 }, (_, index) => `line ${index + 1}`).join('\n');
    let state = open(3);
    state = run(state, {
      type: 'engineEvent',
      event: { type: 'messageReceived', message: makeMessage('g', 3, { text: tall }) },
    });
    state = run(state, { type: 'focus', pane: 'messages' }, { type: 'move', delta: -1 });
    // Up reveals earlier lines of the tall message until its first line shows...
    for (let step = 0; step < 40 && !shown(state).some((row) => row === 'line 1'); step += 1) {
      state = run(state, { type: 'move', delta: -1 });
    }
    expect(shown(state).some((row) => row.endsWith('line 1'))).toBe(true);
    expect(state.scroll['g']).toBe(0);
    // ...and the next Up moves on to the message before it.
    state = run(state, { type: 'move', delta: -1 });
    expect(state.scroll['g']).toBe(1);
    // Down comes back into the tall message at its first line.
    state = run(state, { type: 'move', delta: 1 });
    expect(shown(state).some((row) => row.endsWith('line 1'))).toBe(true);
  });

  it('jumps to the newest with jumpNewest, and the sender is brought back to the bottom', () => {
    let state = run(open(), { type: 'page', direction: -1 }, { type: 'page', direction: -1 });
    expect(state.scroll['g']).toBeGreaterThan(0);
    state = run(state, { type: 'jumpNewest' });
    expect(state.scroll['g']).toBe(0);
    expect(shown(state).at(-1)).toBe('message number 49');
  });

  it('draws the "new messages" line above the first unread and jumps there', () => {
    let state = open(50, 30);
    expect(state.unreadFrom['g']).toBe('g-m20');
    state = run(
      state,
      { type: 'page', direction: -1 },
      { type: 'page', direction: -1 },
      { type: 'jumpUnread' },
    );
    const rows = shown(state);
    expect(rows.indexOf(unreadLine)).toBeLessThanOrEqual(1);
    expect(rows[rows.indexOf(unreadLine) + 1]).toBe('message number 20');
  });

  it('marks messages that arrive in a closed group: unread +1 each, the group moves to the top', () => {
    let state = open();
    const arrive = (index: number): AppAction => ({
      type: 'engineEvent',
      event: {
        type: 'messageReceived',
        message: makeMessage('h', index, { sentAt: Date.UTC(2026, 10, 23, 9, index) }),
      },
    });
    state = run(state, arrive(1), arrive(2));
    expect(state.groups.map((group) => [group.id, group.unread])).toEqual([
      ['h', 2],
      ['g', 0],
    ]);
    // A message in the open group, read at the bottom, is not unread.
    state = run(state, {
      type: 'engineEvent',
      event: { type: 'messageReceived', message: makeMessage('g', 60, { sentAt: Date.UTC(2026, 10, 24) }) },
    });
    expect(state.groups.find((group) => group.id === 'g')?.unread).toBe(0);
    expect(state.unreadFrom['g']).toBeUndefined();
  });

  it('puts a date separator above the first message of each day', () => {
    const day = (d: number, i: number) => makeMessage('g', i, { sentAt: Date.UTC(2026, 10, d, 12) });
    const window = computeMessageWindow([day(1, 0), day(1, 1), day(2, 2)], 0, 10, 60);
    expect(window.rows.map((row) => row.kind)).toEqual(['date', 'message', 'message', 'date', 'message']);
    expect(window.rows[3]?.text).toContain('2 November 2026');
  });
});
