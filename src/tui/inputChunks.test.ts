import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { splitTypedChunk } from './inputChunks.js';

const none: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

describe('splitTypedChunk', () => {
  it('turns "text\\r" into the text and an Enter', () => {
    const events = splitTypedChunk('hello bob\r', none);
    expect(events.map((event) => [event.input, event.key.return])).toEqual([
      ['hello bob', false],
      ['\r', true],
    ]);
  });

  it('keeps several lines and Enters in order', () => {
    const events = splitTypedChunk('a\rb\r\nc', none);
    expect(events.map((event) => [event.input, event.key.return])).toEqual([
      ['a', false],
      ['\r', true],
      ['b', false],
      ['\r', true],
      ['c', false],
    ]);
  });

  it('leaves single keys and modified keys alone', () => {
    expect(splitTypedChunk('x', none)).toEqual([{ input: 'x', key: none }]);
    const ctrl = { ...none, ctrl: true };
    expect(splitTypedChunk('j\r', ctrl)).toEqual([{ input: 'j\r', key: ctrl }]);
  });
});
