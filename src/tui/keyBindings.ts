/**
 * Every key the TUI answers to, in one table. The App resolves presses through `resolveKey`, and the
 * help overlay and docs/tui.md are generated from the same table, so help cannot drift from behaviour.
 */
import type { KeyPress } from './input/keyParser.js';
import { textEditFor } from './input/textInput.js';
import type { TextEdit } from './input/textInput.js';
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
  | 'jumpNewest'
  | 'jumpUnread'
  | 'members'
  | 'identity'
  | 'invite'
  | 'verify'
  | 'safetyNumber'
  | 'acknowledgeKeyChange'
  | 'confirmYes'
  | 'confirmNo'
  | 'invites'
  | 'acceptInvite'
  | 'declineInvite'
  | 'lock'
  | 'revealRecoveryWords';

export interface KeyBinding {
  readonly command: KeyCommand;
  /** How the keys are written in help and docs. */
  readonly keys: readonly string[];
  readonly description: string;
  readonly contexts: readonly KeyContext[];
  readonly matches: (key: KeyPress) => boolean;
  /** The short form the footer shows while a context has focus (only the keys a newcomer needs). */
  readonly hints?: Partial<Record<KeyContext, string>>;
}

const mainPanes: readonly KeyContext[] = ['groups', 'messages', 'composer'];
const browsing: readonly KeyContext[] = ['groups', 'messages'];
const textInputs: readonly KeyContext[] = [
  'composer',
  'createGroup',
  'invite',
  'revealPassword',
  'changePassword',
  'backupWords',
];
/** Overlays whose Enter confirms what was typed. */
const dialogs: readonly KeyContext[] = [
  'createGroup',
  'invite',
  'revealPassword',
  'changePassword',
  'backupWords',
];
const everywhere: readonly KeyContext[] = [
  ...mainPanes,
  'help',
  'members',
  'safetyNumber',
  'identity',
  'createGroup',
  'invite',
  'invites',
  'confirmQuit',
  'revealPassword',
  'recoveryWords',
  'changePassword',
  'backupWords',
];
const overlays = everywhere.filter((context) => !mainPanes.includes(context));

const plain = (key: KeyPress): boolean => !key.ctrl && !key.meta && !key.paste;

export const keyBindings: readonly KeyBinding[] = [
  {
    command: 'quit',
    keys: ['Ctrl-C'],
    description: 'quit (asks first if messages wait in the outbox; twice quits at once)',
    contexts: everywhere,
    hints: { composer: 'Ctrl-C quit' },
    matches: (key) => key.ctrl && key.name === 'c',
  },
  {
    command: 'quit',
    keys: ['q'],
    description: 'quit (asks first if messages wait in the outbox)',
    contexts: [...browsing, 'help', 'identity', 'members', 'safetyNumber'],
    hints: { groups: 'q quit', messages: 'q quit' },
    matches: (key) => plain(key) && key.input === 'q',
  },
  {
    command: 'confirmYes',
    keys: ['y'],
    description: 'quit now, leaving queued messages for next time',
    contexts: ['confirmQuit'],
    matches: (key) => plain(key) && (key.input === 'y' || key.input === 'Y'),
  },
  {
    command: 'confirmNo',
    keys: ['n', 'Esc'],
    description: 'stay',
    contexts: ['confirmQuit'],
    matches: (key) => key.escape || (plain(key) && (key.input === 'n' || key.input === 'N')),
  },
  {
    command: 'close',
    keys: ['Esc'],
    description: 'close the overlay (in the panes: clear the status line)',
    contexts: [...overlays.filter((context) => context !== 'confirmQuit'), ...mainPanes],
    hints: { createGroup: 'Esc cancel', invite: 'Esc cancel' },
    matches: (key) => key.escape,
  },
  {
    command: 'lock',
    keys: ['Ctrl-L'],
    description: 'lock: wipe the keys, close the profile, ask for the password or passphrase',
    contexts: mainPanes,
    matches: (key) => key.ctrl && key.name === 'l',
  },
  {
    command: 'help',
    keys: ['?'],
    description: 'show this help',
    contexts: [...browsing, 'identity', 'members'],
    hints: { groups: '? help', messages: '? help' },
    matches: (key) => plain(key) && key.input === '?',
  },
  {
    command: 'help',
    keys: ['F1'],
    description: 'show this help (also where ? types a letter)',
    contexts: [...mainPanes, 'members', 'identity'],
    hints: { composer: 'F1 help' },
    matches: (key) => key.name === 'f1',
  },
  {
    command: 'newGroup',
    keys: ['Ctrl-N'],
    description: 'create a group',
    contexts: mainPanes,
    hints: { groups: 'Ctrl-N new group' },
    matches: (key) => key.ctrl && key.name === 'n',
  },
  {
    command: 'focusPrevious',
    keys: ['Shift-Tab'],
    description: 'focus the previous pane',
    contexts: mainPanes,
    matches: (key) => key.tab && key.shift,
  },
  {
    command: 'focusNext',
    keys: ['Tab'],
    description: 'focus the next pane (groups, messages, composer)',
    contexts: mainPanes,
    hints: { groups: 'Tab next pane', messages: 'Tab next pane', composer: 'Tab panes' },
    matches: (key) => key.tab,
  },
  {
    command: 'newline',
    keys: ['Alt-Enter', 'Ctrl-J'],
    description: 'new line in the message',
    contexts: ['composer'],
    hints: { composer: 'Alt-Enter new line' },
    matches: (key) => (key.return && key.meta) || key.name === 'linefeed',
  },
  {
    command: 'enter',
    keys: ['Enter'],
    description: 'groups, messages: write in the composer; composer: send or run /command; dialogs: confirm',
    contexts: [...mainPanes, ...dialogs],
    hints: {
      groups: 'Enter write',
      composer: 'Enter send',
      createGroup: 'Enter create',
      invite: 'Enter invite',
    },
    matches: (key) => key.return,
  },
  {
    command: 'up',
    keys: ['↑', 'k'],
    description: 'groups: previous group; messages: scroll up one; lists: previous row',
    contexts: [...browsing, 'members', 'help', 'invites'],
    hints: { groups: '↑↓ choose', messages: '↑↓ scroll' },
    matches: (key) => key.upArrow || (plain(key) && key.input === 'k'),
  },
  {
    command: 'down',
    keys: ['↓', 'j'],
    description: 'groups: next group; messages: scroll down one; lists: next row',
    contexts: [...browsing, 'members', 'help', 'invites'],
    matches: (key) => key.downArrow || (plain(key) && key.input === 'j'),
  },
  {
    command: 'up',
    keys: ['↑'],
    description: 'composer: line up, then older history',
    contexts: ['composer'],
    matches: (key) => key.upArrow,
  },
  {
    command: 'down',
    keys: ['↓'],
    description: 'composer: line down, then newer history',
    contexts: ['composer'],
    matches: (key) => key.downArrow,
  },
  {
    command: 'pageUp',
    keys: ['PgUp'],
    description: 'scroll messages up a page (help: page up)',
    contexts: [...mainPanes, 'help'],
    hints: { messages: 'PgUp/PgDn page' },
    matches: (key) => key.pageUp,
  },
  {
    command: 'pageDown',
    keys: ['PgDn'],
    description: 'scroll messages down a page (help: page down)',
    contexts: [...mainPanes, 'help'],
    matches: (key) => key.pageDown,
  },
  {
    command: 'jumpNewest',
    keys: ['End', 'G'],
    description: 'jump to the newest message (new messages then keep it in view)',
    contexts: ['messages'],
    hints: { messages: 'G newest' },
    matches: (key) => key.end || (plain(key) && key.input === 'G'),
  },
  {
    command: 'jumpUnread',
    keys: ['u'],
    description: 'jump to the first unread message (the "new messages" line)',
    contexts: ['messages'],
    hints: { messages: 'u first unread' },
    matches: (key) => plain(key) && key.input === 'u',
  },
  {
    command: 'members',
    keys: ['m'],
    description: 'members of this group, with fingerprints',
    contexts: browsing,
    hints: { groups: 'm members' },
    matches: (key) => plain(key) && key.input === 'm',
  },
  {
    command: 'identity',
    keys: ['i'],
    description: 'my identity: username, fingerprint, QR code',
    contexts: browsing,
    matches: (key) => plain(key) && key.input === 'i',
  },
  {
    command: 'revealRecoveryWords',
    keys: ['r'],
    description: 'show the 24 recovery words again (asks for the account password first)',
    contexts: ['identity'],
    matches: (key) => plain(key) && key.input === 'r',
  },
  {
    command: 'invite',
    keys: ['a'],
    description: 'invite (add) someone to this group',
    contexts: browsing,
    hints: { groups: 'a invite' },
    matches: (key) => plain(key) && key.input === 'a',
  },
  {
    command: 'invites',
    keys: ['I'],
    description: 'invites waiting for you: accept or decline them',
    contexts: browsing,
    matches: (key) => plain(key) && key.input === 'I',
  },
  {
    command: 'acceptInvite',
    keys: ['Enter', 'y'],
    description: 'join the group of the selected invite',
    contexts: ['invites'],
    hints: { invites: 'Enter accept' },
    matches: (key) => key.return || (plain(key) && key.input === 'y'),
  },
  {
    command: 'declineInvite',
    keys: ['d'],
    description: 'decline the selected invite (it is deleted; the inviter is told)',
    contexts: ['invites'],
    hints: { invites: 'd decline' },
    matches: (key) => plain(key) && key.input === 'd',
  },
  {
    command: 'verify',
    keys: ['v'],
    description: "mark the selected member's key as verified (compare safety numbers first)",
    contexts: ['members', 'safetyNumber'],
    matches: (key) => plain(key) && key.input === 'v',
  },
  {
    command: 'safetyNumber',
    keys: ['s'],
    description: 'safety number with the selected member (digits and QR code, to compare)',
    contexts: ['members'],
    matches: (key) => plain(key) && key.input === 's',
  },
  {
    command: 'acknowledgeKeyChange',
    keys: ['a'],
    description: 'accept a changed key, so sending to groups with them is no longer held',
    contexts: ['safetyNumber'],
    matches: (key) => plain(key) && key.input === 'a',
  },
];

export type ResolvedKey =
  | { readonly kind: 'command'; readonly command: KeyCommand }
  | { readonly kind: 'edit'; readonly edit: TextEdit }
  | { readonly kind: 'ignored' };

/** Contexts with a text field: there, keys not bound to a command edit the text. */
export function isTextContext(context: KeyContext): boolean {
  return textInputs.includes(context);
}

/**
 * What a key press means in a context: a bound command, an edit of the text field, or nothing.
 * The first matching row of the table wins. A paste is never a command: it is text (even in
 * a pane without a text field, where the controller moves it to the composer).
 */
export function resolveKey(key: KeyPress, context: KeyContext): ResolvedKey {
  if (key.paste) return { kind: 'edit', edit: { type: 'insert', text: key.input } };
  for (const binding of keyBindings) {
    if (binding.contexts.includes(context) && binding.matches(key)) {
      return { kind: 'command', command: binding.command };
    }
  }
  if (textInputs.includes(context)) {
    const edit = textEditFor(key);
    if (edit !== undefined) return { kind: 'edit', edit };
  }
  return { kind: 'ignored' };
}

/** Bindings that apply in a context, for help screens. */
export function bindingsFor(context: KeyContext): KeyBinding[] {
  return keyBindings.filter((binding) => binding.contexts.includes(context));
}

/** Footer order: what a newcomer needs first (send, move), then help, then quit. */
const footerOrder: readonly KeyCommand[] = [
  'enter',
  'newline',
  'up',
  'pageUp',
  'jumpNewest',
  'jumpUnread',
  'focusNext',
  'newGroup',
  'invite',
  'members',
  'close',
  'help',
  'quit',
];

/** The footer for a context: the short hints of the keys that work there, newcomer's first. */
export function footerHints(context: KeyContext): string[] {
  const hints: string[] = [];
  const ordered = [...keyBindings].sort(
    (a, b) => footerOrder.indexOf(a.command) - footerOrder.indexOf(b.command),
  );
  for (const binding of ordered) {
    const hint = binding.hints?.[context];
    if (hint !== undefined && !hints.includes(hint)) hints.push(hint);
  }
  return hints;
}
