/**
 * The bridge between key presses, the reducer and the engine. Engine calls are fire-and-forget: the
 * screen never waits on the network; results and failures come back as actions. What each command
 * does lives in controller/ (groups and trust, secrets and backups, slash commands).
 */
import type { EngineApi } from './engineApi.js';
import type { KeyPress } from './input/keyParser.js';
import { emptyTextInput } from './input/textInput.js';
import { resolveKey } from './keyBindings.js';
import { shouldNotify } from './notify.js';
import type { KeyCommand, KeyContext } from './keyBindings.js';
import { parseComposerInput, normalizeGroupName, normalizeUsername } from './slashCommands.js';
import { needsOlderMessages } from './state/appReducer.js';
import { initialAppState, selectedGroup } from './state/appState.js';
import type { AppAction, AppState } from './state/appState.js';
import type { TerminalSize } from './state/layout.js';
import type { TimeFormat } from './state/messageWindow.js';
import { createTuiStore } from './tuiStore.js';
import type { TuiStore } from './tuiStore.js';
import { createControllerContext, withGroup } from './controller/controllerContext.js';
import {
  acknowledgeKeyChange,
  createGroup,
  openIdentity,
  openMemberSafetyNumber,
  refreshMembers,
  verify,
} from './controller/groupCommands.js';
import {
  askPasswordForRecoveryWords,
  submitBackupWords,
  submitRecoveryPassword,
} from './controller/secretCommands.js';
import { submitPasswordStage } from './controller/passwordCommand.js';
import { runSlashCommand } from './controller/slashCommandRunner.js';

/**
 * Messages fetched per page: three panes' worth at least (a message takes one row or more), so the first
 * frame of a long history costs what the pane shows, and the next page is asked for a pane ahead.
 */
export function messagePageSize(rows: number): number {
  return Math.max(50, rows * 3);
}

/** Unread messages the first page also brings, so the "new messages" line lands on the right one. */
export const maxUnreadPrefetch = 1000;

export interface TuiController {
  readonly store: TuiStore;
  /** Subscribes to the engine and loads the first state; returns the function that undoes it. */
  start(): () => void;
  /** The keys of one read of stdin, in order. */
  handleKeys(keys: readonly KeyPress[]): void;
  resize(size: TerminalSize): void;
}

export interface TuiControllerOptions {
  readonly size: TerminalSize;
  /** Clock times in message rows; default 24h. */
  readonly timeFormat?: TimeFormat;
  /** Called once when the user has chosen to quit. */
  readonly onExit: () => void;
  /** Called for a message that arrives in a group not on screen (the bell or a desktop notification). */
  readonly onUnseenMessage?: (groupName: string) => void;
  /** `/lock` and Ctrl-L: the screen is replaced by the unlock prompt. Absent: locking is not offered. */
  readonly onLock?: () => void;
}

const dialogContexts: readonly KeyContext[] = [
  'createGroup',
  'invite',
  'revealPassword',
  'changePassword',
  'backupWords',
];

export function createTuiController(engine: EngineApi, options: TuiControllerOptions): TuiController {
  const store = createTuiStore(initialAppState(options.size, options.timeFormat));
  const markReadInFlight = new Set<string>();
  const markReadFailedAt = new Map<string, number>();
  // Quit or lock: this screen is done, and the rest of a burst of keys is not for it.
  let finished = false;
  const context = createControllerContext(engine, store, dispatch);
  const { fire, showError, showInfo } = context;

  function loadMessages(groupId: string, before: string | undefined): void {
    // Read now: opening the group marks it read, and the page needs the count from before that.
    const unread = store.getState().groups.find((group) => group.id === groupId)?.unread ?? 0;
    store.dispatch({ type: 'messagesLoading', groupId });
    const pageSize = messagePageSize(store.getState().size.rows);
    const limit = before === undefined ? pageSize + Math.min(unread, maxUnreadPrefetch) : pageSize;
    fire(
      engine
        .loadMessages(groupId, before === undefined ? { limit } : { before, limit })
        .then((page) =>
          dispatch({ type: 'messagesLoaded', groupId, page, older: before !== undefined, unread }),
        ),
      (error) => {
        dispatch({ type: 'messagesLoaded', groupId, page: { messages: [], hasMore: false }, older: true });
        showError(error);
      },
    );
  }

  /** Work that follows from a state change: open a newly selected group, fetch older pages, mark read. */
  function afterChange(previous: AppState, next: AppState): void {
    const group = selectedGroup(next);
    if (group === undefined) return;
    if (next.messages[group.id] === undefined) loadMessages(group.id, undefined);
    else if (previous.scroll !== next.scroll && needsOlderMessages(next)) {
      loadMessages(group.id, next.messages[group.id]?.items[0]?.id);
    }
    // A failed markRead is retried only once the unread count moves, not on every key press.
    if (
      group.unread > 0 &&
      !markReadInFlight.has(group.id) &&
      markReadFailedAt.get(group.id) !== group.unread
    ) {
      markReadInFlight.add(group.id);
      const unread = group.unread;
      fire(
        engine
          .markRead(group.id)
          .then(() => markReadFailedAt.delete(group.id))
          .catch((error: unknown) => {
            markReadFailedAt.set(group.id, unread);
            throw error;
          })
          .finally(() => markReadInFlight.delete(group.id)),
      );
    }
  }

  function dispatch(action: AppAction): void {
    const previous = store.getState();
    store.dispatch(action);
    const next = store.getState();
    if (next !== previous) afterChange(previous, next);
  }

  function exit(): void {
    if (finished) return;
    finished = true;
    options.onExit();
  }

  function lock(): void {
    if (options.onLock === undefined)
      return showError('this qpc cannot lock (it was started without a profile lock)');
    finished = true;
    options.onLock();
  }

  function requestQuit(): void {
    fire(
      engine.outboxSize().then((size) => {
        if (size > 0) dispatch({ type: 'openOverlay', overlay: { kind: 'confirmQuit', outbox: size } });
        else exit();
      }),
      () => dispatch({ type: 'openOverlay', overlay: { kind: 'confirmQuit', outbox: null } }),
    );
  }

  const exits = { requestQuit, lock };

  function submitComposer(): void {
    const text = store.getState().composer.text;
    if (text.trim() === '') return;
    const parsed = parseComposerInput(text);
    if (parsed.kind === 'error') {
      // The draft stays so the typo can be fixed.
      showError(parsed.error);
      return;
    }
    if (parsed.kind === 'text') {
      const group = selectedGroup(store.getState());
      if (group === undefined) {
        showError('no group selected: create one with Ctrl-N or /create NAME');
        return;
      }
      dispatch({ type: 'composer', action: { type: 'submitted' } });
      dispatch({ type: 'status', status: null });
      // After sending, the pane follows the newest message, where the sent one appears.
      dispatch({ type: 'jumpNewest' });
      fire(engine.send(group.id, parsed.text));
      return;
    }
    dispatch({ type: 'composer', action: { type: 'submitted' } });
    dispatch({ type: 'status', status: null });
    runSlashCommand(context, parsed.command, exits);
  }

  function submitOverlay(state: AppState): void {
    const overlay = state.overlay;
    if (overlay.kind === 'createGroup') {
      const checked = normalizeGroupName(overlay.input.text);
      if (!checked.ok) return showError(checked.error);
      dispatch({ type: 'closeOverlay' });
      createGroup(context, checked.name);
    } else if (overlay.kind === 'invite') {
      const checked = normalizeUsername(overlay.input.text);
      if (!checked.ok) return showError(checked.error);
      dispatch({ type: 'closeOverlay' });
      runSlashCommand(context, { kind: 'invite', username: checked.username }, exits);
    } else if (overlay.kind === 'revealPassword') {
      submitRecoveryPassword(context, state);
    } else if (overlay.kind === 'backupWords') {
      submitBackupWords(context, state);
    } else if (overlay.kind === 'changePassword') {
      submitPasswordStage(context, state);
    }
  }

  function runKeyCommand(command: KeyCommand, keyContext: KeyContext, state: AppState): void {
    switch (command) {
      case 'quit':
        // A second Ctrl-C (or q) while asking means "really quit".
        return keyContext === 'confirmQuit' ? exit() : requestQuit();
      case 'confirmYes':
        return exit();
      case 'confirmNo':
        return dispatch({ type: 'closeOverlay' });
      case 'close':
        return state.overlay.kind === 'none'
          ? dispatch({ type: 'status', status: null })
          : dispatch({ type: 'closeOverlay' });
      case 'help':
        return dispatch({ type: 'openOverlay', overlay: { kind: 'help', scroll: 0 } });
      case 'newGroup':
        return dispatch({ type: 'openOverlay', overlay: { kind: 'createGroup', input: emptyTextInput } });
      case 'lock':
        return lock();
      case 'focusNext':
        return dispatch({ type: 'focusNext' });
      case 'focusPrevious':
        return dispatch({ type: 'focusPrevious' });
      case 'up':
        return dispatch({ type: 'move', delta: -1 });
      case 'down':
        return dispatch({ type: 'move', delta: 1 });
      case 'pageUp':
        return dispatch({ type: 'page', direction: -1 });
      case 'pageDown':
        return dispatch({ type: 'page', direction: 1 });
      case 'enter':
        if (keyContext === 'composer') return submitComposer();
        if (dialogContexts.includes(keyContext)) return submitOverlay(state);
        return dispatch({ type: 'focus', pane: 'composer' });
      case 'newline':
        return dispatch({ type: 'composer', action: { type: 'newline' } });
      case 'jumpNewest':
        return dispatch({ type: 'jumpNewest' });
      case 'jumpUnread':
        return dispatch({ type: 'jumpUnread' });
      case 'members':
        return withGroup(context, (group) => {
          dispatch({ type: 'openOverlay', overlay: { kind: 'members', selected: 0 } });
          refreshMembers(context, group.id);
        });
      case 'identity':
        return openIdentity(context);
      case 'revealRecoveryWords':
        return askPasswordForRecoveryWords(context);
      case 'invites':
        if (state.invites.length === 0) return showInfo('no invites are waiting');
        return dispatch({ type: 'openOverlay', overlay: { kind: 'invites', selected: 0 } });
      case 'acceptInvite':
      case 'declineInvite': {
        const invite = state.overlay.kind === 'invites' ? state.invites[state.overlay.selected] : undefined;
        if (invite === undefined) return;
        // The list follows from the engine's invitesChanged event; joining shows the new group.
        if (command === 'acceptInvite') dispatch({ type: 'closeOverlay' });
        // By name where it is unambiguous: the status line then reads "joined ops", not an id.
        const sameName = state.invites.filter((other) => other.groupName === invite.groupName).length;
        const reference = sameName === 1 ? invite.groupName : invite.id;
        return runSlashCommand(
          context,
          { kind: command === 'acceptInvite' ? 'accept' : 'decline', invite: reference },
          exits,
        );
      }
      case 'invite':
        return withGroup(context, () =>
          dispatch({ type: 'openOverlay', overlay: { kind: 'invite', input: emptyTextInput } }),
        );
      case 'safetyNumber':
        return openMemberSafetyNumber(context, state);
      case 'acknowledgeKeyChange':
        if (state.overlay.kind !== 'safetyNumber') return;
        if (state.overlay.verification !== 'changed')
          return showInfo(`the key of ${state.overlay.username} did not change`);
        return acknowledgeKeyChange(context, state.overlay.username);
      case 'verify': {
        if (state.overlay.kind === 'safetyNumber') {
          return verify(context, state.selectedGroupId ?? undefined, state.overlay.username);
        }
        if (state.overlay.kind !== 'members' || state.selectedGroupId === null) return;
        const member = state.members[state.selectedGroupId]?.[state.overlay.selected];
        if (member !== undefined) verify(context, state.selectedGroupId, member.username);
        return;
      }
    }
  }

  return {
    store,
    start() {
      const unsubscribe = engine.subscribe((event) => {
        if (event.type === 'messageReceived' && shouldNotify(store.getState(), event.message)) {
          const group = store.getState().groups.find((candidate) => candidate.id === event.message.groupId);
          options.onUnseenMessage?.(group?.name ?? 'a group');
        }
        dispatch({ type: 'engineEvent', event });
      });
      dispatch({ type: 'snapshotLoaded', snapshot: engine.snapshot() });
      fire(engine.whoami().then((self) => dispatch({ type: 'selfLoaded', self })));
      // Invites that arrived while qpc was closed; later ones come as events.
      fire(
        engine
          .listInvites()
          .then((invites) => dispatch({ type: 'engineEvent', event: { type: 'invitesChanged', invites } })),
      );
      return unsubscribe;
    },
    handleKeys(keys) {
      for (const key of keys) {
        if (finished) return;
        const state = store.getState();
        const keyContext: KeyContext = state.overlay.kind === 'none' ? state.focus : state.overlay.kind;
        const resolved = resolveKey(key, keyContext);
        if (resolved.kind === 'command') runKeyCommand(resolved.command, keyContext, state);
        else if (resolved.kind === 'edit') {
          if (dialogContexts.includes(keyContext)) {
            dispatch({ type: 'overlayEdit', edit: resolved.edit });
          } else if (keyContext === 'composer' || (key.paste && state.overlay.kind === 'none')) {
            // A paste while browsing lands in the composer, which takes the focus.
            if (keyContext !== 'composer') dispatch({ type: 'focus', pane: 'composer' });
            dispatch({ type: 'composer', action: { type: 'edit', edit: resolved.edit } });
          }
        }
      }
    },
    resize(size) {
      dispatch({ type: 'resized', size });
    },
  };
}
