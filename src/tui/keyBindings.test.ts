import { describe, expect, it } from 'vitest';
import { helpLines } from './helpContent.js';
import { createKeyParser } from './input/keyParser.js';
import type { KeyPress } from './input/keyParser.js';
import { footerHints, keyBindings, resolveKey } from './keyBindings.js';

/** The one key that `bytes` is, as the terminal would send it. */
function key(bytes: string): KeyPress {
  const parser = createKeyParser();
  const keys = [...parser.feed(bytes), ...parser.flush()];
  if (keys.length !== 1 || keys[0] === undefined) throw new Error(`${JSON.stringify(bytes)} is not one key`);
  return keys[0];
}

describe('resolveKey', () => {
  it('reads j/k/q/? as commands while browsing and as text in the composer', () => {
    expect(resolveKey(key('j'), 'groups')).toEqual({ kind: 'command', command: 'down' });
    expect(resolveKey(key('k'), 'messages')).toEqual({ kind: 'command', command: 'up' });
    expect(resolveKey(key('q'), 'groups')).toEqual({ kind: 'command', command: 'quit' });
    expect(resolveKey(key('?'), 'messages')).toEqual({ kind: 'command', command: 'help' });
    for (const input of ['j', 'k', 'q', '?']) {
      expect(resolveKey(key(input), 'composer')).toEqual({
        kind: 'edit',
        edit: { type: 'insert', text: input },
      });
    }
  });

  it('quits with Ctrl-C everywhere, even in text inputs and dialogs', () => {
    for (const context of ['composer', 'createGroup', 'help', 'confirmQuit'] as const) {
      expect(resolveKey(key('\x03'), context)).toEqual({ kind: 'command', command: 'quit' });
    }
  });

  it('tells Tab from Shift-Tab and Enter from Alt-Enter and Ctrl-J', () => {
    expect(resolveKey(key('\t'), 'groups')).toEqual({ kind: 'command', command: 'focusNext' });
    expect(resolveKey(key('\x1b[Z'), 'groups')).toEqual({ kind: 'command', command: 'focusPrevious' });
    expect(resolveKey(key('\r'), 'composer')).toEqual({ kind: 'command', command: 'enter' });
    expect(resolveKey(key('\x1b\r'), 'composer')).toEqual({ kind: 'command', command: 'newline' });
    expect(resolveKey(key('\n'), 'composer')).toEqual({ kind: 'command', command: 'newline' });
  });

  it('never reads a paste as a command, even one that is a single bound letter or Enter', () => {
    for (const context of ['groups', 'composer', 'confirmQuit'] as const) {
      expect(resolveKey(key('\x1b[200~q\x1b[201~'), context)).toEqual({
        kind: 'edit',
        edit: { type: 'insert', text: 'q' },
      });
    }
    expect(resolveKey(key('\x1b[200~\r\x1b[201~'), 'composer').kind).toBe('edit');
  });

  it('closes overlays with Esc, and answers y/n in the quit dialog', () => {
    expect(resolveKey(key('\x1b'), 'members')).toEqual({ kind: 'command', command: 'close' });
    expect(resolveKey(key('\x1b'), 'confirmQuit')).toEqual({ kind: 'command', command: 'confirmNo' });
    expect(resolveKey(key('y'), 'confirmQuit')).toEqual({ kind: 'command', command: 'confirmYes' });
    expect(resolveKey(key('x'), 'confirmQuit')).toEqual({ kind: 'ignored' });
  });

  it('edits text with the DEL byte most terminals send for Backspace, and with readline keys', () => {
    expect(resolveKey(key('\x7f'), 'composer')).toEqual({ kind: 'edit', edit: { type: 'backspace' } });
    expect(resolveKey(key('\x7f'), 'invite')).toEqual({ kind: 'edit', edit: { type: 'backspace' } });
    expect(resolveKey(key('\x17'), 'composer')).toEqual({ kind: 'edit', edit: { type: 'killWordBack' } });
    expect(resolveKey(key('\x1bb'), 'createGroup')).toEqual({ kind: 'edit', edit: { type: 'wordLeft' } });
    expect(resolveKey(key('\x1b[1;5C'), 'composer')).toEqual({ kind: 'edit', edit: { type: 'wordRight' } });
  });

  it('jumps to the newest message with End or G in the messages pane', () => {
    expect(resolveKey(key('G'), 'messages')).toEqual({ kind: 'command', command: 'jumpNewest' });
    expect(resolveKey(key('\x1b[F'), 'messages')).toEqual({ kind: 'command', command: 'jumpNewest' });
    expect(resolveKey(key('\x1b[F'), 'composer')).toEqual({ kind: 'edit', edit: { type: 'lineEnd' } });
  });

  it('ignores unbound keys outside text inputs', () => {
    expect(resolveKey(key('z'), 'groups')).toEqual({ kind: 'ignored' });
    expect(resolveKey(key('\x1a'), 'composer')).toEqual({ kind: 'ignored' });
  });
});

describe('footer hints', () => {
  it('show the keys of the focused pane, and none that type a letter in the composer', () => {
    const composer = footerHints('composer');
    expect(composer).toContain('Enter send');
    expect(composer).toContain('F1 help');
    expect(composer.join(' ')).not.toMatch(/(^|· |\s)[?qjkmai] /u);
    expect(footerHints('messages')).toContain('G newest');
    expect(footerHints('groups')).toContain('? help');
    // Every hint names a key that works in that pane.
    for (const context of ['groups', 'messages', 'composer'] as const) {
      for (const binding of keyBindings) {
        if (binding.hints?.[context] !== undefined) expect(binding.contexts).toContain(context);
      }
    }
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
