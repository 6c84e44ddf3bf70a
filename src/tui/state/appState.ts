/** The whole TUI state: what the screen shows, derived from engine events and key presses. */
import type {
  ChatMessage,
  ConnectionState,
  EngineEvent,
  EngineSnapshot,
  GroupMember,
  GroupSummary,
  MessagePage,
  PendingInvite,
  SafetyNumberView,
  SelfIdentity,
  VerificationState,
} from '../engineApi.js';
import type { TextEdit, TextInputState } from '../input/textInput.js';
import { emptyComposer } from './composerState.js';
import type { ComposerAction, ComposerState } from './composerState.js';
import { defaultSize } from './layout.js';
import type { TimeFormat } from './messageWindow.js';
import type { TerminalSize } from './layout.js';

export type Pane = 'groups' | 'messages' | 'composer';
export const paneOrder: readonly Pane[] = ['groups', 'messages', 'composer'];

export type Overlay =
  | { readonly kind: 'none' }
  | { readonly kind: 'help'; readonly scroll: number }
  | { readonly kind: 'members'; readonly selected: number }
  /** Invites waiting for consent: accept or decline the selected one. */
  | { readonly kind: 'invites'; readonly selected: number }
  /**
   * The safety number with one user: `returnTo` is the members-list row to go back to on close (null
   * when opened by /safety, which closes to the panes); `view` is null while the engine computes it.
   */
  | {
      readonly kind: 'safetyNumber';
      readonly username: string;
      readonly verification: VerificationState;
      readonly returnTo: number | null;
      readonly view: SafetyNumberView | null;
    }
  | { readonly kind: 'identity' }
  | { readonly kind: 'createGroup'; readonly input: TextInputState }
  | { readonly kind: 'invite'; readonly input: TextInputState }
  /** `outbox` is null when the engine could not tell. */
  | { readonly kind: 'confirmQuit'; readonly outbox: number | null }
  /** The account password, asked before the recovery words show again; `checking` while it logs in. */
  | { readonly kind: 'revealPassword'; readonly input: TextInputState; readonly checking: boolean }
  /** The 24 recovery words: held here only while shown, gone with the overlay. */
  | { readonly kind: 'recoveryWords'; readonly words: readonly string[] }
  /**
   * A new account password (/password): the current one, then the new one twice. `entered` holds the
   * answers of the stages already passed, only until they go to the engine; `working` while it runs.
   */
  | {
      readonly kind: 'changePassword';
      readonly stage: PasswordStage;
      readonly entered: readonly string[];
      readonly input: TextInputState;
      readonly working: boolean;
    }
  /** The recovery words a backup import (or an export from a profile that keeps none) needs. */
  | {
      readonly kind: 'backupWords';
      readonly action: 'import' | 'export';
      readonly file: string;
      readonly input: TextInputState;
      readonly working: boolean;
    };

/** The fields of /password, in the order they are asked. */
export type PasswordStage = 'current' | 'new' | 'again';

export type OverlayKind = Overlay['kind'];

export interface StatusLine {
  readonly tone: 'error' | 'info';
  readonly text: string;
}

export interface GroupMessages {
  /** Oldest first. */
  readonly items: readonly ChatMessage[];
  readonly hasMore: boolean;
  readonly loading: boolean;
}

export interface AppState {
  readonly size: TerminalSize;
  /** Clock times in message rows (the `timeFormat` setting); it changes how rows wrap. */
  readonly timeFormat: TimeFormat;
  readonly focus: Pane;
  readonly overlay: Overlay;
  readonly connection: ConnectionState;
  /** Most recent activity first. */
  readonly groups: readonly GroupSummary[];
  readonly selectedGroupId: string | null;
  readonly messages: Readonly<Record<string, GroupMessages>>;
  /** Messages scrolled past at the bottom, per group; 0 follows new messages. */
  readonly scroll: Readonly<Record<string, number>>;
  /**
   * Rows of the bottom message hidden below the pane, per group: non-zero only while a message
   * taller than the pane is read line by line from its first line.
   */
  readonly scrollRows: Readonly<Record<string, number>>;
  /** Per group, the id of the first message not yet seen: where the "new messages" line is drawn. */
  readonly unreadFrom: Readonly<Record<string, string>>;
  readonly members: Readonly<Record<string, readonly GroupMember[]>>;
  /** Invites waiting for the person's decision, oldest first. */
  readonly invites: readonly PendingInvite[];
  readonly self: SelfIdentity | null;
  readonly composer: ComposerState;
  readonly status: StatusLine | null;
}

export type AppAction =
  | { readonly type: 'resized'; readonly size: TerminalSize }
  | { readonly type: 'snapshotLoaded'; readonly snapshot: EngineSnapshot }
  | { readonly type: 'engineEvent'; readonly event: EngineEvent }
  | { readonly type: 'selfLoaded'; readonly self: SelfIdentity }
  | { readonly type: 'messagesLoading'; readonly groupId: string }
  | {
      readonly type: 'messagesLoaded';
      readonly groupId: string;
      readonly page: MessagePage;
      readonly older: boolean;
      /** Unread count when the group was opened (marking it read resets the live count). */
      readonly unread?: number;
    }
  | { readonly type: 'membersLoaded'; readonly groupId: string; readonly members: readonly GroupMember[] }
  | { readonly type: 'safetyNumberLoaded'; readonly view: SafetyNumberView }
  /** The key change of `username` was acknowledged (or the key verified): their new trust state. */
  | {
      readonly type: 'verificationChanged';
      readonly username: string;
      readonly verification: VerificationState;
    }
  | { readonly type: 'focusNext' }
  | { readonly type: 'focusPrevious' }
  | { readonly type: 'focus'; readonly pane: Pane }
  /** Up/Down in the focused pane or overlay: -1 is up. */
  | { readonly type: 'move'; readonly delta: -1 | 1 }
  | { readonly type: 'page'; readonly direction: -1 | 1 }
  /** The messages pane follows the newest message again. */
  | { readonly type: 'jumpNewest' }
  /** The messages pane shows the first unread message (the "new messages" line) at its top. */
  | { readonly type: 'jumpUnread' }
  | { readonly type: 'selectGroup'; readonly groupId: string }
  | { readonly type: 'openOverlay'; readonly overlay: Overlay }
  | { readonly type: 'closeOverlay' }
  /** An edit of the one-line prompt of the open overlay. */
  | { readonly type: 'overlayEdit'; readonly edit: TextEdit }
  | { readonly type: 'composer'; readonly action: ComposerAction }
  /** A backup import changed the stored history: loaded pages are dropped and fetched again. */
  | { readonly type: 'historyReplaced' }
  | { readonly type: 'status'; readonly status: StatusLine | null };

export function initialAppState(size: TerminalSize = defaultSize, timeFormat: TimeFormat = '24h'): AppState {
  return {
    size,
    timeFormat,
    focus: 'composer',
    overlay: { kind: 'none' },
    connection: { status: 'connecting', server: '' },
    groups: [],
    selectedGroupId: null,
    messages: {},
    scroll: {},
    scrollRows: {},
    unreadFrom: {},
    members: {},
    invites: [],
    self: null,
    composer: emptyComposer,
    status: null,
  };
}

export function selectedGroup(state: AppState): GroupSummary | undefined {
  return state.groups.find((group) => group.id === state.selectedGroupId);
}

export function selectedMessages(state: AppState): readonly ChatMessage[] {
  return state.selectedGroupId === null ? [] : (state.messages[state.selectedGroupId]?.items ?? []);
}
