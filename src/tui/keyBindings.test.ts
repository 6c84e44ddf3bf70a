import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { helpLines } from './helpContent.js';
import { keyBindings, resolveKey } from './keyBindings.js';

function key(overrides: Partial<Key> = {}): Key {
  return {
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
    ...overrides,
  };
}

describe('resolveKey', () => {
  it('reads j/k/q/? as commands while browsing and as text in the composer', () => {
    expect(resolveKey('j', key(), 'groups')).toEqual({ kind: 'command', command: 'down' });
    expect(resolveKey('k', key(), 'messages')).toEqual({ kind: 'command', command: 'up' });
    expect(resolveKey('q', key(), 'groups')).toEqual({ kind: 'command', command: 'quit' });
    expect(resolveKey('?', key(), 'messages')).toEqual({ kind: 'command', command: 'help' });
    for (const input of ['j', 'k', 'q', '?']) {
      expect(resolveKey(input, key(), 'composer')).toEqual({ kind: 'text', text: input });
    }
  });

  it('quits with Ctrl-C everywhere, even in text inputs and dialogs', () => {
    for (const context of ['composer', 'createGroup', 'help', 'confirmQuit'] as const) {
      expect(resolveKey('c', key({ ctrl: true }), context)).toEqual({ kind: 'command', command: 'quit' });
    }
  });

  it('tells Tab from Shift-Tab and Enter from Alt-Enter', () => {
    expect(resolveKey('', key({ tab: true }), 'groups')).toEqual({ kind: 'command', command: 'focusNext' });
    expect(resolveKey('', key({ tab: true, shift: true }), 'groups')).toEqual({
      kind: 'command',
      command: 'focusPrevious',
    });
    expect(resolveKey('', key({ return: true }), 'composer')).toEqual({ kind: 'command', command: 'enter' });
    expect(resolveKey('', key({ return: true, meta: true }), 'composer')).toEqual({
      kind: 'command',
      command: 'newline',
    });
    expect(resolveKey('\n', key(), 'composer')).toEqual({ kind: 'command', command: 'newline' });
  });

  it('closes overlays with Esc, and answers y/n in the quit dialog', () => {
    expect(resolveKey('', key({ escape: true, meta: true }), 'members')).toEqual({
      kind: 'command',
      command: 'close',
    });
    expect(resolveKey('', key({ escape: true, meta: true }), 'confirmQuit')).toEqual({
      kind: 'command',
      command: 'confirmNo',
    });
    expect(resolveKey('y', key(), 'confirmQuit')).toEqual({ kind: 'command', command: 'confirmYes' });
    expect(resolveKey('x', key(), 'confirmQuit')).toEqual({ kind: 'ignored' });
  });

  it('treats the DEL byte most terminals send for Backspace as backspace', () => {
    expect(resolveKey('', key({ delete: true }), 'composer')).toEqual({
      kind: 'command',
      command: 'backspace',
    });
    expect(resolveKey('', key({ backspace: true }), 'invite')).toEqual({
      kind: 'command',
      command: 'backspace',
    });
  });

  it('ignores unbound keys outside text inputs', () => {
    expect(resolveKey('z', key(), 'groups')).toEqual({ kind: 'ignored' });
    expect(resolveKey('z', key({ ctrl: true }), 'composer')).toEqual({ kind: 'ignored' });
  });
});

describe('help generated from the table', () => {
  it('lists every key of every binding', () => {
    const text = helpLines().join('\n');
    for (const binding of keyBindings) {
      expect(text).toContain(binding.keys.join(' / '));
      expect(text).toContain(binding.description);
    }
  });
});
