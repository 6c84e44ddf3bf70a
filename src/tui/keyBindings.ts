/**
 * Every key the TUI answers to, in one table. The App resolves presses through `resolveKey`, and the
 * help overlay and docs/tui.md are generated from the same table, so help cannot drift from behaviour.
 */
import type { Key } from 'ink';
import type { OverlayKind, Pane } from './state/appState.js';

/** Where a key press lands: an open overlay wins over the focused pane. */
export type KeyContext = Pane | Exclude<OverlayKind, 'none'>;

export type KeyCommand =
  | 'quit'
  | 'help'
  | 'newGroup'
  | 'focusNext'
  | 'focusPrevious'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'enter'
  | 'close'
  | 'newline'
  | 'backspace'
  | 'cursorLeft'
  | 'cursorRight'
  | 'cursorHome'
  | 'cursorEnd'
  | 'members'
  | 'identity'
  | 'invite'
  | 'verify'
  | 'safetyNumber'
  | 'acknowledgeKeyChange'
  | 'confirmYes'
  | 'confirmNo';

export interface KeyBinding {
  readonly command: KeyCommand;
  /** How the keys are written in help and docs. */
  readonly keys: readonly string[];
  readonly description: string;
  readonly contexts: readonly KeyContext[];
  readonly matches: (input: string, key: Key) => boolean;
}

const mainPanes: readonly KeyContext[] = ['groups', 'messages', 'composer'];
const browsing: readonly KeyContext[] = ['groups', 'messages'];
const textInputs: readonly KeyContext[] = ['composer', 'createGroup', 'invite'];
const everywhere: readonly KeyContext[] = [
  ...mainPanes,
  'help',
  'members',
  'safetyNumber',
  'identity',
  'createGroup',
  'invite',
  'confirmQuit',
];
const overlays = everywhere.filter((context) => !mainPanes.includes(context));

const plain = (key: Key): boolean => !key.ctrl && !key.meta;

export const keyBindings: readonly KeyBinding[] = [
  {
    command: 'quit',
    keys: ['Ctrl-C'],
    description: 'quit (asks first if messages wait in the outbox; twice quits at once)',
    contexts: everywhere,
    matches: (input, key) => key.ctrl && input === 'c',
  },
  {
    command: 'quit',
    keys: ['q'],
    description: 'quit (asks first if messages wait in the outbox)',
    contexts: [...browsing, 'help', 'identity', 'members', 'safetyNumber'],
    matches: (input, key) => plain(key) && input === 'q',
  },
  {
    command: 'confirmYes',
    keys: ['y'],
    description: 'quit now, leaving queued messages for next time',
    contexts: ['confirmQuit'],
    matches: (input, key) => plain(key) && (input === 'y' || input === 'Y'),
  },
  {
    command: 'confirmNo',
    keys: ['n', 'Esc'],
    description: 'stay',
    contexts: ['confirmQuit'],
    matches: (input, key) => key.escape || (plain(key) && (input === 'n' || input === 'N')),
  },
  {
    command: 'close',
    keys: ['Esc'],
    description: 'close the overlay (in the panes: clear the status line)',
    contexts: [...overlays.filter((context) => context !== 'confirmQuit'), ...mainPanes],
    matches: (_input, key) => key.escape,
  },
  {
    command: 'help',
    keys: ['?'],
    description: 'show this help',
    contexts: [...browsing, 'identity', 'members'],
    matches: (input) => input === '?',
  },
  {
    command: 'newGroup',
    keys: ['Ctrl-N'],
    description: 'create a group',
    contexts: mainPanes,
    matches: (input, key) => key.ctrl && input === 'n',
  },
  {
    command: 'focusPrevious',
    keys: ['Shift-Tab'],
    description: 'focus the previous pane',
    contexts: mainPanes,
    matches: (_input, key) => key.tab && key.shift,
  },
  {
    command: 'focusNext',
    keys: ['Tab'],
    description: 'focus the next pane (groups, messages, composer)',
    contexts: mainPanes,
    matches: (_input, key) => key.tab,
  },
  {
    command: 'newline',
    keys: ['Alt-Enter', 'Ctrl-J'],
    description: 'new line in the message',
    contexts: ['composer'],
    matches: (input, key) => (key.return && key.meta) || input === '\n',
  },
  {
    command: 'enter',
    keys: ['Enter'],
    description: 'groups, messages: write in the composer; composer: send or run /command; dialogs: confirm',
    contexts: [...mainPanes, 'createGroup', 'invite'],
    matches: (_input, key) => key.return,
  },
  {
    command: 'up',
    keys: ['↑', 'k'],
    description: 'groups: previous group; messages: scroll up one; lists: previous row',
    contexts: [...browsing, 'members', 'help'],
    matches: (input, key) => key.upArrow || (plain(key) && input === 'k'),
  },
  {
    command: 'down',
    keys: ['↓', 'j'],
    description: 'groups: next group; messages: scroll down one; lists: next row',
    contexts: [...browsing, 'members', 'help'],
    matches: (input, key) => key.downArrow || (plain(key) && input === 'j'),
  },
  {
    command: 'up',
    keys: ['↑'],
    description: 'composer: line up, then older history',
    contexts: ['composer'],
    matches: (_input, key) => key.upArrow,
  },
  {
    command: 'down',
    keys: ['↓'],
    description: 'composer: line down, then newer history',
    contexts: ['composer'],
    matches: (_input, key) => key.downArrow,
  },
  {
    command: 'pageUp',
    keys: ['PgUp'],
    description: 'scroll messages up a page (help: page up)',
    contexts: [...mainPanes, 'help'],
    matches: (_input, key) => key.pageUp,
  },
  {
    command: 'pageDown',
    keys: ['PgDn'],
    description: 'scroll messages down a page (help: page down)',
    contexts: [...mainPanes, 'help'],
    matches: (_input, key) => key.pageDown,
  },
  {
    command: 'members',
    keys: ['m'],
    description: 'members of this group, with fingerprints',
    contexts: browsing,
    matches: (input, key) => plain(key) && input === 'm',
  },
  {
    command: 'identity',
    keys: ['i'],
    description: 'my identity: username, fingerprint, QR code',
    contexts: browsing,
    matches: (input, key) => plain(key) && input === 'i',
  },
  {
    command: 'invite',
    keys: ['a'],
    description: 'invite (add) someone to this group',
    contexts: browsing,
    matches: (input, key) => plain(key) && input === 'a',
  },
  {
    command: 'verify',
    keys: ['v'],
    description: "mark the selected member's key as verified (compare safety numbers first)",
    contexts: ['members', 'safetyNumber'],
    matches: (input, key) => plain(key) && input === 'v',
  },
  {
    command: 'safetyNumber',
    keys: ['s'],
    description: 'safety number with the selected member (digits and QR code, to compare)',
    contexts: ['members'],
    matches: (input, key) => plain(key) && input === 's',
  },
  {
    command: 'acknowledgeKeyChange',
    keys: ['a'],
    description: 'accept a changed key, so sending to groups with them is no longer held',
    contexts: ['safetyNumber'],
    matches: (input, key) => plain(key) && input === 'a',
  },
  {
    command: 'backspace',
    keys: ['Backspace'],
    description: 'delete the character before the cursor',
    contexts: textInputs,
    matches: (_input, key) => key.backspace || key.delete,
  },
  {
    command: 'cursorLeft',
    keys: ['←'],
    description: 'move the cursor left',
    contexts: ['composer'],
    matches: (_input, key) => key.leftArrow,
  },
  {
    command: 'cursorRight',
    keys: ['→'],
    description: 'move the cursor right',
    contexts: ['composer'],
    matches: (_input, key) => key.rightArrow,
  },
  {
    command: 'cursorHome',
    keys: ['Home', 'Ctrl-A'],
    description: 'start of the line',
    contexts: ['composer'],
    matches: (input, key) => key.home || (key.ctrl && input === 'a'),
  },
  {
    command: 'cursorEnd',
    keys: ['End', 'Ctrl-E'],
    description: 'end of the line',
    contexts: ['composer'],
    matches: (input, key) => key.end || (key.ctrl && input === 'e'),
  },
];

export type ResolvedKey =
  | { readonly kind: 'command'; readonly command: KeyCommand }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ignored' };

/**
 * What a key press means in a context: a bound command, text typed into an input, or nothing.
 * The first matching row of the table wins.
 */
export function resolveKey(input: string, key: Key, context: KeyContext): ResolvedKey {
  for (const binding of keyBindings) {
    if (binding.contexts.includes(context) && binding.matches(input, key)) {
      return { kind: 'command', command: binding.command };
    }
  }
  if (textInputs.includes(context) && !key.ctrl && !key.meta && input !== '') {
    return { kind: 'text', text: input };
  }
  return { kind: 'ignored' };
}

/** Bindings that apply in a context, for help screens. */
export function bindingsFor(context: KeyContext): KeyBinding[] {
  return keyBindings.filter((binding) => binding.contexts.includes(context));
}
