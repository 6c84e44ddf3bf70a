/**
 * The one text-editing model, shared by every place text is typed: the composer, the passphrase and
 * password fields, the recovery words and the one-line prompts. Readline (emacs) keys, the cursor
 * moving by grapheme (an emoji with a skin tone, a letter with a combining accent is one step) and
 * words. Pure: (state, edit) => state.
 */
import type { KeyPress } from './keyParser.js';

export interface TextInputState {
  readonly text: string;
  /** Index into `text` (UTF-16 units), always on a grapheme boundary. */
  readonly cursor: number;
}

export type TextEdit =
  | { readonly type: 'insert'; readonly text: string }
  | { readonly type: 'backspace' }
  | { readonly type: 'deleteForward' }
  | { readonly type: 'left' }
  | { readonly type: 'right' }
  | { readonly type: 'wordLeft' }
  | { readonly type: 'wordRight' }
  | { readonly type: 'lineStart' }
  | { readonly type: 'lineEnd' }
  | { readonly type: 'killLineStart' }
  | { readonly type: 'killLineEnd' }
  | { readonly type: 'killWordBack' }
  | { readonly type: 'killWordForward' };

export const emptyTextInput: TextInputState = { text: '', cursor: 0 };

/** Text for a one-line field: line breaks (a pasted list) become spaces, control characters go. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n|\t/gu, ' ').replace(/\p{Cc}/gu, '');
}

export function textInputAt(text: string): TextInputState {
  return { text, cursor: text.length };
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Grapheme boundaries of `text`, from 0 to text.length. */
function boundaries(text: string): number[] {
  const out: number[] = [];
  for (const segment of graphemes.segment(text)) out.push(segment.index);
  out.push(text.length);
  return out;
}

export function previousGrapheme(text: string, index: number): number {
  if (index <= 0) return 0;
  // Only the line around the cursor is segmented, so a long draft costs no more than a short one.
  const from = text.lastIndexOf('\n', index - 1) + 1;
  if (from === index) return index - 1;
  let previous = from;
  for (const boundary of boundaries(text.slice(from, index))) {
    if (from + boundary >= index) break;
    previous = from + boundary;
  }
  return previous;
}

export function nextGrapheme(text: string, index: number): number {
  if (index >= text.length) return text.length;
  if (text[index] === '\n') return index + 1;
  const lineEndAt = text.indexOf('\n', index);
  const to = lineEndAt === -1 ? text.length : lineEndAt;
  for (const boundary of boundaries(text.slice(index, to))) if (boundary > 0) return index + boundary;
  return to;
}

/** Number of graphemes in `text`: what a masked field shows as stars. */
export function graphemeCount(text: string): number {
  let count = 0;
  for (const segment of graphemes.segment(text)) if (segment.segment !== '') count += 1;
  return count;
}

export function lineStartOf(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

export function lineEndOf(text: string, index: number): number {
  const end = text.indexOf('\n', index);
  return end === -1 ? text.length : end;
}

const wordChar = /[\p{L}\p{N}\p{M}_]/u;

/** Alt-B, Ctrl-Left: back over non-word characters, then over the word (as readline does). */
function wordStartBefore(text: string, index: number): number {
  let at = index;
  while (at > 0 && !wordChar.test(text[at - 1] ?? '')) at -= 1;
  while (at > 0 && wordChar.test(text[at - 1] ?? '')) at -= 1;
  return at;
}

/** Alt-F, Ctrl-Right: forward over non-word characters, then to the end of the word. */
function wordEndAfter(text: string, index: number): number {
  let at = index;
  while (at < text.length && !wordChar.test(text[at] ?? '')) at += 1;
  while (at < text.length && wordChar.test(text[at] ?? '')) at += 1;
  return at;
}

/** Ctrl-W: back over spaces, then to the previous space (the shell's "unix-word-rubout"). */
function spaceWordStartBefore(text: string, index: number): number {
  let at = index;
  while (at > 0 && /\s/u.test(text[at - 1] ?? '')) at -= 1;
  while (at > 0 && !/\s/u.test(text[at - 1] ?? '')) at -= 1;
  return at;
}

function cut(state: TextInputState, from: number, to: number): TextInputState {
  if (from >= to) return state;
  return { text: state.text.slice(0, from) + state.text.slice(to), cursor: from };
}

export function applyTextEdit(state: TextInputState, edit: TextEdit): TextInputState {
  const { text, cursor } = state;
  switch (edit.type) {
    case 'insert':
      if (edit.text === '') return state;
      return {
        text: text.slice(0, cursor) + edit.text + text.slice(cursor),
        cursor: cursor + edit.text.length,
      };
    case 'backspace':
      return cut(state, previousGrapheme(text, cursor), cursor);
    case 'deleteForward':
      return cut(state, cursor, nextGrapheme(text, cursor));
    case 'left':
      return { text, cursor: previousGrapheme(text, cursor) };
    case 'right':
      return { text, cursor: nextGrapheme(text, cursor) };
    case 'wordLeft':
      return { text, cursor: wordStartBefore(text, cursor) };
    case 'wordRight':
      return { text, cursor: wordEndAfter(text, cursor) };
    case 'lineStart':
      return { text, cursor: lineStartOf(text, cursor) };
    case 'lineEnd':
      return { text, cursor: lineEndOf(text, cursor) };
    case 'killLineStart':
      return cut(state, lineStartOf(text, cursor), cursor);
    case 'killLineEnd': {
      // At the end of a line, Ctrl-K joins the next line, as in emacs.
      const end = lineEndOf(text, cursor);
      return cut(state, cursor, end === cursor ? Math.min(text.length, end + 1) : end);
    }
    case 'killWordBack':
      return cut(state, spaceWordStartBefore(text, cursor), cursor);
    case 'killWordForward':
      return cut(state, cursor, wordEndAfter(text, cursor));
  }
}

export interface TextEditKey {
  /** How the keys are written in help and docs. */
  readonly keys: readonly string[];
  readonly description: string;
  readonly edit: TextEdit['type'];
  readonly matches: (key: KeyPress) => boolean;
}

const chord = (key: KeyPress, letter: string): boolean => key.ctrl && !key.meta && key.name === letter;
const alt = (key: KeyPress, letter: string): boolean => key.meta && !key.ctrl && key.name === letter;

/** The editing keys, in one table: the help overlay and docs/tui.md list them from here. */
export const textEditKeys: readonly TextEditKey[] = [
  {
    keys: ['←', 'Ctrl-B'],
    description: 'cursor left',
    edit: 'left',
    matches: (key) => (key.leftArrow && !key.ctrl && !key.meta) || chord(key, 'b'),
  },
  {
    keys: ['→', 'Ctrl-F'],
    description: 'cursor right',
    edit: 'right',
    matches: (key) => (key.rightArrow && !key.ctrl && !key.meta) || chord(key, 'f'),
  },
  {
    keys: ['Ctrl-←', 'Alt-B'],
    description: 'word left',
    edit: 'wordLeft',
    matches: (key) => (key.leftArrow && (key.ctrl || key.meta)) || alt(key, 'b'),
  },
  {
    keys: ['Ctrl-→', 'Alt-F'],
    description: 'word right',
    edit: 'wordRight',
    matches: (key) => (key.rightArrow && (key.ctrl || key.meta)) || alt(key, 'f'),
  },
  {
    keys: ['Home', 'Ctrl-A'],
    description: 'start of the line',
    edit: 'lineStart',
    matches: (key) => key.home || chord(key, 'a'),
  },
  {
    keys: ['End', 'Ctrl-E'],
    description: 'end of the line',
    edit: 'lineEnd',
    matches: (key) => key.end || chord(key, 'e'),
  },
  {
    keys: ['Backspace'],
    description: 'delete the character before the cursor',
    edit: 'backspace',
    matches: (key) => key.backspace && !key.meta,
  },
  {
    keys: ['Delete', 'Ctrl-D'],
    description: 'delete the character under the cursor',
    edit: 'deleteForward',
    matches: (key) => (key.delete && !key.ctrl && !key.meta) || chord(key, 'd'),
  },
  {
    keys: ['Ctrl-W', 'Alt-Backspace'],
    description: 'delete the word before the cursor',
    edit: 'killWordBack',
    matches: (key) => chord(key, 'w') || (key.backspace && key.meta),
  },
  {
    keys: ['Alt-D', 'Ctrl-Delete'],
    description: 'delete the word after the cursor',
    edit: 'killWordForward',
    matches: (key) => alt(key, 'd') || (key.delete && (key.ctrl || key.meta)),
  },
  {
    keys: ['Ctrl-U'],
    description: 'delete to the start of the line',
    edit: 'killLineStart',
    matches: (key) => chord(key, 'u'),
  },
  {
    keys: ['Ctrl-K'],
    description: 'delete to the end of the line',
    edit: 'killLineEnd',
    matches: (key) => chord(key, 'k'),
  },
];

/**
 * What a key does to a text field: an edit, or undefined when it is not an editing key (the caller
 * then tries its other bindings). A paste and a plain character insert their text.
 */
export function textEditFor(key: KeyPress): TextEdit | undefined {
  if (key.paste) return { type: 'insert', text: key.input };
  for (const row of textEditKeys) {
    if (row.matches(key)) return { type: row.edit } as TextEdit;
  }
  if (!key.ctrl && !key.meta && key.input !== '' && !/\p{Cc}/u.test(key.input)) {
    return { type: 'insert', text: key.input };
  }
  return undefined;
}
