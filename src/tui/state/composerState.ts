/**
 * The composer: multi-line text with a cursor and a history walked with Up/Down. Pure functions only;
 * the App feeds them key presses through appReducer. Editing itself is the shared text-input model.
 */
import { applyTextEdit } from '../input/textInput.js';
import type { TextEdit } from '../input/textInput.js';

export interface ComposerState {
  readonly text: string;
  /** Index into `text` (UTF-16 units, always on a code point boundary). */
  readonly cursor: number;
  /** Sent texts and commands, oldest first. */
  readonly history: readonly string[];
  /** Position while walking the history; null when editing a fresh draft. */
  readonly historyIndex: number | null;
  /** The unsent draft, kept while walking the history so Down brings it back. */
  readonly draft: string;
}

export type ComposerAction =
  | { readonly type: 'insert'; readonly text: string }
  /** Any edit of the shared text-input model (readline keys, a paste). */
  | { readonly type: 'edit'; readonly edit: TextEdit }
  | { readonly type: 'newline' }
  | { readonly type: 'up' }
  | { readonly type: 'down' }
  | { readonly type: 'submitted' }
  | { readonly type: 'clear' };

export const maxHistoryEntries = 100;

export const emptyComposer: ComposerState = {
  text: '',
  cursor: 0,
  history: [],
  historyIndex: null,
  draft: '',
};

/** Pasted text may carry CR or CRLF line ends, and tabs that would break the layout. */
function sanitizeTypedText(text: string): string {
  return text
    .replace(/\r\n?/gu, '\n')
    .replace(/\t/gu, '  ')
    .replace(/[^\P{Cc}\n]/gu, ''); // control characters other than the newline
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

function lineEnd(text: string, index: number): number {
  const end = text.indexOf('\n', index);
  return end === -1 ? text.length : end;
}

function insertAtCursor(state: ComposerState, inserted: string): ComposerState {
  if (inserted === '') return state;
  const text = state.text.slice(0, state.cursor) + inserted + state.text.slice(state.cursor);
  return { ...state, text, cursor: state.cursor + inserted.length, historyIndex: null };
}

function showHistoryEntry(state: ComposerState, index: number | null): ComposerState {
  const text = index === null ? state.draft : (state.history[index] ?? '');
  return { ...state, text, cursor: text.length, historyIndex: index };
}

function moveVertically(state: ComposerState, direction: -1 | 1): ComposerState | null {
  const start = lineStart(state.text, state.cursor);
  const column = state.cursor - start;
  if (direction === -1) {
    if (start === 0) return null;
    const previousStart = lineStart(state.text, start - 1);
    const previousLength = start - 1 - previousStart;
    return { ...state, cursor: previousStart + Math.min(column, previousLength) };
  }
  const end = lineEnd(state.text, state.cursor);
  if (end === state.text.length) return null;
  const nextStart = end + 1;
  const nextLength = lineEnd(state.text, nextStart) - nextStart;
  return { ...state, cursor: nextStart + Math.min(column, nextLength) };
}

function historyUp(state: ComposerState): ComposerState {
  if (state.history.length === 0) return state;
  if (state.historyIndex === null) {
    return showHistoryEntry({ ...state, draft: state.text }, state.history.length - 1);
  }
  return showHistoryEntry(state, Math.max(0, state.historyIndex - 1));
}

function historyDown(state: ComposerState): ComposerState {
  if (state.historyIndex === null) return state;
  const next = state.historyIndex + 1;
  return showHistoryEntry(state, next >= state.history.length ? null : next);
}

export function composerReducer(state: ComposerState, action: ComposerAction): ComposerState {
  switch (action.type) {
    case 'insert':
      return insertAtCursor(state, sanitizeTypedText(action.text));
    case 'newline':
      return insertAtCursor(state, '\n');
    case 'edit': {
      if (action.edit.type === 'insert') return insertAtCursor(state, sanitizeTypedText(action.edit.text));
      const edited = applyTextEdit(state, action.edit);
      if (edited.text === state.text && edited.cursor === state.cursor) return state;
      return {
        ...state,
        text: edited.text,
        cursor: edited.cursor,
        historyIndex: edited.text === state.text ? state.historyIndex : null,
      };
    }
    // Up/Down move between lines of a multi-line draft and walk the history at its first/last line.
    case 'up':
      return moveVertically(state, -1) ?? historyUp(state);
    case 'down':
      return moveVertically(state, 1) ?? historyDown(state);
    case 'submitted': {
      const entry = state.text;
      const isRepeat = state.history[state.history.length - 1] === entry;
      const history =
        entry.trim() === '' || isRepeat ? state.history : [...state.history, entry].slice(-maxHistoryEntries);
      return { text: '', cursor: 0, history, historyIndex: null, draft: '' };
    }
    case 'clear':
      return { ...state, text: '', cursor: 0, historyIndex: null, draft: '' };
  }
}

/** The draft split into lines, with the cursor's line and column, for rendering. */
export function composerLines(state: ComposerState): {
  lines: string[];
  cursorLine: number;
  cursorColumn: number;
} {
  const lines = state.text.split('\n');
  const before = state.text.slice(0, state.cursor).split('\n');
  return { lines, cursorLine: before.length - 1, cursorColumn: (before[before.length - 1] ?? '').length };
}
