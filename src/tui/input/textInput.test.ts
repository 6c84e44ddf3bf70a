import { describe, expect, it } from 'vitest';
import {
  applyTextEdit,
  emptyTextInput,
  graphemeCount,
  oneLine,
  textEditFor,
  textInputAt,
} from './textInput.js';
import type { TextEdit, TextInputState } from './textInput.js';
import { createKeyParser } from './keyParser.js';

function edit(state: TextInputState, ...edits: TextEdit['type'][]): TextInputState {
  return edits.reduce((current, type) => applyTextEdit(current, { type } as TextEdit), state);
}

/** Feeds raw terminal bytes through the parser and the editing table, as every text field does. */
function typeBytes(state: TextInputState, bytes: string): TextInputState {
  const parser = createKeyParser();
  const keys = [...parser.feed(bytes), ...parser.flush()];
  return keys.reduce((current, key) => {
    const change = textEditFor(key);
    return change === undefined ? current : applyTextEdit(current, change);
  }, state);
}

describe('text input', () => {
  it('deletes three characters for a burst of three DEL bytes', () => {
    expect(typeBytes(textInputAt('abcdef'), '\x7f\x7f\x7f')).toEqual({ text: 'abc', cursor: 3 });
  });

  it('moves and deletes by grapheme: a skin-toned emoji and a combining accent are one step', () => {
    const text = 'a👍🏽e\u0301';
    expect(edit(textInputAt(text), 'backspace').text).toBe('a👍🏽');
    expect(edit(textInputAt(text), 'backspace', 'backspace').text).toBe('a');
    expect(edit(textInputAt(text), 'left', 'left').cursor).toBe(1);
    expect(edit({ text, cursor: 1 }, 'deleteForward').text).toBe('ae\u0301');
    expect(graphemeCount(text)).toBe(3);
  });

  it('does readline editing: Ctrl-A/E, Ctrl-U/K/W, Alt-B/F/D, Home/End, Delete, Ctrl-Left/Right', () => {
    const start = textInputAt('send the keys now');
    expect(typeBytes(start, '\x01X')).toEqual({ text: 'Xsend the keys now', cursor: 1 });
    expect(typeBytes(start, '\x01\x05!').text).toBe('send the keys now!');
    expect(typeBytes(start, '\x17').text).toBe('send the keys ');
    expect(typeBytes(start, '\x1bb\x1bb\x0b').text).toBe('send the ');
    expect(typeBytes(start, '\x1bb\x1bb\x15').text).toBe('keys now');
    expect(typeBytes(start, '\x1b[1;5D\x1b[1;5D\x1b[1;5C_').text).toBe('send the keys_ now');
    expect(typeBytes(start, '\x1b[H\x1bf\x1bd').text).toBe('send keys now');
    expect(typeBytes(start, '\x1b[H\x1b[3~\x1b[3~').text).toBe('nd the keys now');
    expect(typeBytes(start, '\x1b[H\x1b[F?').text).toBe('send the keys now?');
  });

  it('works line by line in a multi-line text', () => {
    const text = 'first\nsecond';
    expect(edit({ text, cursor: 8 }, 'lineStart').cursor).toBe(6);
    expect(edit({ text, cursor: 8 }, 'killLineStart').text).toBe('first\ncond');
    expect(edit({ text, cursor: 5 }, 'killLineEnd').text).toBe('firstsecond');
    expect(edit({ text, cursor: 6 }, 'backspace').text).toBe('firstsecond');
  });

  it('inserts a paste whole, and one-line fields turn its line breaks into spaces', () => {
    expect(typeBytes(emptyTextInput, '\x1b[200~one\ntwo\x1b[201~').text).toBe('one\ntwo');
    expect(oneLine('abandon\r\nability\table\u0007')).toBe('abandon ability able');
  });
});
