/** The help text, generated from the key table and the slash command list (never written by hand). */
import { textEditKeys } from './input/textInput.js';
import { keyBindings } from './keyBindings.js';
import type { KeyContext } from './keyBindings.js';
import { slashCommandSpecs } from './slashCommands.js';

const contextNames: Record<KeyContext, string> = {
  groups: 'groups',
  messages: 'messages',
  composer: 'composer',
  help: 'help',
  members: 'members',
  safetyNumber: 'safety number',
  identity: 'identity',
  createGroup: 'new group',
  invite: 'invite',
  invites: 'invites',
  confirmQuit: 'quit?',
  revealPassword: 'password for the words',
  recoveryWords: 'recovery words',
  changePassword: 'new password',
  backupWords: 'words for a backup',
};

const keyColumnWidth = 20;

function pad(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? `${text} ` : text + ' '.repeat(width - length);
}

/** Where a binding applies, compactly: "everywhere" or a list of pane/overlay names. */
export function contextSummary(contexts: readonly KeyContext[]): string {
  if (contexts.length === Object.keys(contextNames).length) return 'everywhere';
  return contexts.map((context) => contextNames[context]).join(', ');
}

/** What a newcomer needs first, before the full tables. */
export const newcomerLines: readonly string[] = [
  'Start here',
  '  Type a message; Enter sends it to the open group (Alt-Enter: new line).',
  '  Ctrl-N creates a group; /invite USER adds someone to it.',
  '  Tab moves between groups, messages and composer; the bottom line shows',
  '  the keys of the pane you are in. F1 or ? opens this help, Esc closes it.',
  '  Ctrl-L (or /lock) locks; Ctrl-C (or /quit) quits.',
  '',
];

export function helpLines(): string[] {
  const lines = [...newcomerLines, 'Keys'];
  for (const binding of keyBindings) {
    lines.push(`  ${pad(binding.keys.join(' / '), keyColumnWidth)}${binding.description}`);
    lines.push(`  ${pad('', keyColumnWidth)}  in: ${contextSummary(binding.contexts)}`);
  }
  lines.push('  other keys in the composer and dialogs type text');
  lines.push('');
  lines.push('Editing (composer, dialogs and the launch screens; a paste is inserted whole)');
  for (const row of textEditKeys) {
    lines.push(`  ${pad(row.keys.join(' / '), keyColumnWidth)}${row.description}`);
  }
  lines.push('');
  lines.push('Commands (type in the composer, then Enter)');
  for (const spec of slashCommandSpecs) {
    lines.push(`  ${pad(spec.usage, keyColumnWidth)}${spec.description}`);
  }
  lines.push(`  ${pad('//text', keyColumnWidth)}send a message that starts with "/"`);
  return lines;
}
