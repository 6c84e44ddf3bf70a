/**
 * A signal for a message that arrives while its group is not open: the terminal bell, or a desktop
 * notification through the terminal (OSC 777, understood by rxvt-unicode, foot, WezTerm, Ghostty and
 * others; OSC 9, understood by iTerm2, Windows Terminal, kitty and others). Neither moves the cursor,
 * so it is safe between Ink's frames. Only the group's name is shown, never the sender or the text.
 * Off in NO_COLOR (minimal) mode unless asked for.
 */
import type { ChatMessage } from './engineApi.js';
import type { AppState } from './state/appState.js';

export type NotifyMode = 'off' | 'bell' | 'osc777' | 'osc9';
export const notifyModes: readonly NotifyMode[] = ['off', 'bell', 'osc777', 'osc9'];

/** The `notifications` setting (src/engine/settings/userSettings.ts). */
export type NotificationSetting = 'auto' | 'off' | 'bell' | 'desktop';

/**
 * A desktop notification in the dialect the terminal speaks: OSC 9 for iTerm2, Windows Terminal and
 * kitty, which announce themselves in the environment; OSC 777 for the others.
 */
export function desktopNotifyMode(env: NodeJS.ProcessEnv): NotifyMode {
  const osc9 =
    env['TERM_PROGRAM'] === 'iTerm.app' ||
    (env['WT_SESSION'] ?? '') !== '' ||
    (env['KITTY_WINDOW_ID'] ?? '') !== '' ||
    env['TERM'] === 'xterm-kitty';
  return osc9 ? 'osc9' : 'osc777';
}

/**
 * QPC_NOTIFY when valid (a one-off choice wins); then the `notifications` setting; with none, or `auto`,
 * the bell, or nothing in minimal (NO_COLOR) mode.
 */
export function notifyModeFrom(
  env: NodeJS.ProcessEnv,
  noColor: boolean,
  setting?: NotificationSetting,
): NotifyMode {
  const asked = env['QPC_NOTIFY'];
  if (asked !== undefined && (notifyModes as readonly string[]).includes(asked)) return asked as NotifyMode;
  if (setting === 'desktop') return desktopNotifyMode(env);
  if (setting !== undefined && setting !== 'auto') return setting;
  return noColor ? 'off' : 'bell';
}

/** Whether `message` deserves a signal: received, and its group not the one on screen. */
export function shouldNotify(state: AppState, message: ChatMessage): boolean {
  return !message.outgoing && message.groupId !== state.selectedGroupId;
}

/** Control characters in a group name would end the sequence early; the name is cut to 64 characters. */
function clean(text: string): string {
  return [...text.replace(/\p{Cc}/gu, ' ')].slice(0, 64).join('');
}

/** The bytes to write for a new message in `groupName`; '' when off. */
export function notificationSequence(mode: NotifyMode, groupName: string): string {
  const body = `new message in ${clean(groupName)}`;
  switch (mode) {
    case 'off':
      return '';
    case 'bell':
      return '\x07';
    case 'osc777':
      return `\x1b]777;notify;quicprochat;${body}\x07`;
    case 'osc9':
      return `\x1b]9;quicprochat: ${body}\x07`;
  }
}
