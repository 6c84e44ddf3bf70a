import { describe, expect, it } from 'vitest';
import { composerLines, composerReducer, emptyComposer, maxHistoryEntries } from './composerState.js';
import type { ComposerAction, ComposerState } from './composerState.js';

function run(state: ComposerState, ...actions: ComposerAction[]): ComposerState {
  return actions.reduce(composerReducer, state);
}

const type = (text: string): ComposerAction => ({ type: 'insert', text });

describe('composerReducer', () => {
  it('inserts at the cursor and moves it', () => {
    const state = run(emptyComposer, type('helo'), { type: 'edit', edit: { type: 'left' } }, type('l'));
    expect(state.text).toBe('hello');
    expect(state.cursor).toBe(4);
  });

  it('deletes the character before the cursor, whole surrogate pairs included', () => {
    const state = run(emptyComposer, type('hi 👋'), { type: 'edit', edit: { type: 'backspace' } });
    expect(state.text).toBe('hi ');
    expect(run(emptyComposer, { type: 'edit', edit: { type: 'backspace' } })).toEqual(emptyComposer);
  });

  it('turns pasted CR/CRLF into newlines and drops control characters', () => {
    const state = run(emptyComposer, type('a\r\nb\rc\u0007\td'));
    expect(state.text).toBe('a\nb\nc  d');
  });

  it('builds a multi-line draft with newline and moves between lines with up/down', () => {
    let state = run(emptyComposer, type('first line'), { type: 'newline' }, type('second'));
    expect(composerLines(state)).toEqual({ lines: ['first line', 'second'], cursorLine: 1, cursorColumn: 6 });
    state = run(state, { type: 'up' });
    expect(composerLines(state)).toMatchObject({ cursorLine: 0, cursorColumn: 6 });
    state = run(state, { type: 'edit', edit: { type: 'lineEnd' } }, { type: 'down' });
    expect(composerLines(state)).toMatchObject({ cursorLine: 1, cursorColumn: 6 });
    state = run(state, { type: 'edit', edit: { type: 'lineStart' } });
    expect(composerLines(state)).toMatchObject({ cursorLine: 1, cursorColumn: 0 });
  });

  it('records sent drafts in history, without blanks or repeats', () => {
    const state = run(
      emptyComposer,
      type('one'),
      { type: 'submitted' },
      type('   '),
      { type: 'submitted' },
      type('two'),
      { type: 'submitted' },
      type('two'),
      { type: 'submitted' },
    );
    expect(state.history).toEqual(['one', 'two']);
    expect(state.text).toBe('');
  });

  it('walks history with up/down and brings the unsent draft back', () => {
    let state = run(emptyComposer, type('one'), { type: 'submitted' }, type('two'), { type: 'submitted' });
    state = run(state, type('draft'), { type: 'up' });
    expect(state.text).toBe('two');
    state = run(state, { type: 'up' }, { type: 'up' });
    expect(state.text).toBe('one');
    state = run(state, { type: 'down' });
    expect(state.text).toBe('two');
    state = run(state, { type: 'down' });
    expect(state.text).toBe('draft');
    expect(state.historyIndex).toBeNull();
    expect(run(state, { type: 'down' })).toEqual(state);
  });

  it('keeps at most maxHistoryEntries entries', () => {
    let state = emptyComposer;
    for (let index = 0; index < maxHistoryEntries + 5; index += 1) {
      state = run(state, type(`m${index}`), { type: 'submitted' });
    }
    expect(state.history).toHaveLength(maxHistoryEntries);
    expect(state.history[0]).toBe('m5');
  });

  it('clear empties the draft but keeps history', () => {
    const state = run(emptyComposer, type('a'), { type: 'submitted' }, type('b'), { type: 'clear' });
    expect(state).toMatchObject({ text: '', cursor: 0, history: ['a'] });
  });
});
