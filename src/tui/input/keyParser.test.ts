import { describe, expect, it } from 'vitest';
import { createKeyParser, pasteEnd, pasteStart } from './keyParser.js';
import type { KeyPress } from './keyParser.js';

function parse(...chunks: string[]): KeyPress[] {
  const parser = createKeyParser();
  return [...chunks.flatMap((chunk) => parser.feed(chunk)), ...parser.flush()];
}

const names = (keys: readonly KeyPress[]): string[] =>
  keys.map(
    (key) =>
      `${key.ctrl ? 'C-' : ''}${key.meta ? 'M-' : ''}${key.shift && key.name.length > 1 ? 'S-' : ''}${key.name}`,
  );

describe('createKeyParser', () => {
  it('splits a burst of Backspaces (DEL bytes) into one Backspace each', () => {
    const keys = parse('\x7f\x7f\x7f');
    expect(keys).toHaveLength(3);
    expect(keys.every((key) => key.backspace && !key.delete)).toBe(true);
  });

  it('splits typed text and its Enter', () => {
    expect(names(parse('hello\r'))).toEqual(['h', 'e', 'l', 'l', 'o', 'return']);
    expect(parse('hi')[0]?.input).toBe('h');
  });

  it('reads arrows, Home/End, PgUp/PgDn, Delete and F1 in xterm, vt and rxvt forms', () => {
    expect(names(parse('\x1b[A\x1b[B\x1b[C\x1b[D'))).toEqual(['up', 'down', 'right', 'left']);
    expect(names(parse('\x1bOA\x1b[H\x1b[F\x1b[1~\x1b[4~\x1b[7~\x1b[8~'))).toEqual([
      'up',
      'home',
      'end',
      'home',
      'end',
      'home',
      'end',
    ]);
    expect(names(parse('\x1b[5~\x1b[6~\x1b[3~\x1bOP'))).toEqual(['pageup', 'pagedown', 'delete', 'f1']);
  });

  it('reads modifiers: Ctrl-arrows, Alt-arrows, Shift-Tab, Ctrl-Delete', () => {
    expect(names(parse('\x1b[1;5D\x1b[1;5C\x1b[1;3D\x1b\x1b[C\x1bOd\x1b[Z\x1b[3;5~'))).toEqual([
      'C-left',
      'C-right',
      'M-left',
      'M-right',
      'C-left',
      'S-tab',
      'C-delete',
    ]);
  });

  it('reads Ctrl and Alt chords, Alt-Backspace, Alt-Enter and Ctrl-J', () => {
    expect(names(parse('\x01\x05\x15\x0b\x17\x03'))).toEqual(['C-a', 'C-e', 'C-u', 'C-k', 'C-w', 'C-c']);
    expect(names(parse('\x1bb\x1bf\x1bd\x1b\x7f\x1b\r\n'))).toEqual([
      'M-b',
      'M-f',
      'M-d',
      'M-backspace',
      'M-return',
      'C-linefeed',
    ]);
  });

  it('takes a lone Esc as Esc once the read ends, and Esc pressed twice as two', () => {
    const parser = createKeyParser();
    expect(parser.feed('\x1b')).toEqual([]);
    expect(parser.pending).toBe(true);
    expect(names(parser.flush())).toEqual(['escape']);
    expect(names(parse('\x1b\x1b'))).toEqual(['escape', 'escape']);
  });

  it('joins an escape sequence cut between two reads', () => {
    expect(names(parse('a\x1b[', '1;5C'))).toEqual(['a', 'C-right']);
  });

  it('keeps an emoji with a skin tone, CJK and combining marks as their code points', () => {
    const text = '👍🏽漢e\u0301';
    expect(
      parse(text)
        .map((key) => key.input)
        .join(''),
    ).toBe(text);
  });

  it('makes a bracketed paste one key with its newlines, never an Enter', () => {
    const keys = parse(`x${pasteStart}line one\r\nline two\rthree${pasteEnd}\r`);
    expect(names(keys)).toEqual(['x', 'paste', 'return']);
    expect(keys[1]).toMatchObject({ paste: true, input: 'line one\r\nline two\rthree', return: false });
  });

  it('assembles a paste that spans reads, its end marker cut in two', () => {
    const parser = createKeyParser();
    expect(parser.feed(`${pasteStart}first\n`)).toEqual([]);
    expect(parser.pasting).toBe(true);
    expect(parser.feed('second\x1b[20')).toEqual([]);
    const keys = parser.feed('1~q');
    expect(keys.map((key) => key.input)).toEqual(['first\nsecond', 'q']);
    expect(keys[1]?.paste).toBe(false);
  });

  it('keeps escape bytes inside a paste as text', () => {
    const keys = parse(`${pasteStart}a\x1b[Ab${pasteEnd}`);
    expect(keys.map((key) => key.input)).toEqual(['a\x1b[Ab']);
  });

  it('drops sequences it does not know (focus reports) rather than typing them', () => {
    expect(names(parse('\x1b[I\x1b[Oz'))).toEqual(['z']);
  });
});
