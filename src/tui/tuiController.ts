/**
 * The bridge between key presses, the reducer and the engine. Engine calls are fire-and-forget: the
 * screen never waits on the network; results and failures come back as actions.
 */
import type { EngineApi, EngineErrorLike, GroupSummary, VerificationState } from './engineApi.js';
import type { KeyPress } from './input/keyParser.js';
import { emptyTextInput } from './input/textInput.js';
import { resolveKey } from './keyBindings.js';
import { shouldNotify } from './notify.js';
import type { KeyCommand, KeyContext } from './keyBindings.js';
import { parseComposerInput, normalizeGroupName, normalizeUsername } from './slashCommands.js';
import type { SlashCommand } from './slashCommands.js';
import { needsOlderMessages } from './state/appReducer.js';
import { initialAppState, selectedGroup } from './state/appState.js';
import type { AppAction, AppState } from './state/appState.js';
import type { TerminalSize } from './state/layout.js';
import type { TimeFormat } from './state/messageWindow.js';
import { createTuiStore } from './tuiStore.js';
import type { TuiStore } from './tuiStore.js';

/** Messages fetched per page: a few screens' worth, so scrolling rarely waits. */
export const messagePageSize = 200;

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
}

const verificationStates: readonly string[] = ['unverified', 'verified', 'changed'];

function isVerificationState(value: unknown): value is VerificationState {
  return typeof value === 'string' && verificationStates.includes(value);
}

function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { code, message, hint } = error as EngineErrorLike;
    return `${message} (${code})${hint === undefined ? '' : ` - ${hint}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createTuiController(engine: EngineApi, options: TuiControllerOptions): TuiController {
  const store = createTuiStore(initialAppState(options.size, options.timeFormat));
  const markReadInFlight = new Set<string>();
  const markReadFailedAt = new Map<string, number>();
  let exited = false;

  const showError = (error: unknown): void =>
    store.dispatch({ type: 'status', status: { tone: 'error', text: describeError(error) } });
  const showInfo = (text: string): void => store.dispatch({ type: 'status', status: { tone: 'info', text } });
  const fire = (work: Promise<unknown>, onError: (error: unknown) => void = showError): void => {
    work.catch(onError);
  };

  function loadMessages(groupId: string, before: string | undefined): void {
    // Read now: opening the group marks it read, and the page needs the count from before that.
    const unread = store.getState().groups.find((group) => group.id === groupId)?.unread ?? 0;
    store.dispatch({ type: 'messagesLoading', groupId });
    fire(
      engine
        .loadMessages(
          groupId,
          before === undefined ? { limit: messagePageSize } : { before, limit: messagePageSize },
        )
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
    if (exited) return;
    exited = true;
    options.onExit();
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

  /** Runs `work` for the selected group, or says why it cannot. */
  function withGroup(work: (group: GroupSummary) => void): void {
    const group = selectedGroup(store.getState());
    if (group === undefined) showError('no group selected: create one with Ctrl-N or /create NAME');
    else work(group);
  }

  function refreshMembers(groupId: string): void {
    fire(
      engine.listMembers(groupId).then((members) => dispatch({ type: 'membersLoaded', groupId, members })),
    );
  }

  function openIdentity(): void {
    dispatch({ type: 'openOverlay', overlay: { kind: 'identity' } });
    fire(engine.whoami().then((self) => dispatch({ type: 'selfLoaded', self })));
  }

  function createGroup(name: string): void {
    showInfo(`creating ${name}…`);
    fire(
      engine.createGroup(name).then((group) => {
        const groups = store.getState().groups.filter((candidate) => candidate.id !== group.id);
        dispatch({ type: 'engineEvent', event: { type: 'groupsChanged', groups: [...groups, group] } });
        dispatch({ type: 'selectGroup', groupId: group.id });
        showInfo(`created ${group.name}`);
      }),
    );
  }

  function verify(groupId: string | undefined, username: string): void {
    fire(
      engine.markVerified(groupId, username).then(() => {
        showInfo(`marked ${username} as verified`);
        dispatch({ type: 'verificationChanged', username, verification: 'verified' });
        if (groupId !== undefined) refreshMembers(groupId);
      }),
    );
  }

  /** Opens the safety-number overlay and asks the engine for the number; the view brings the trust state. */
  function openSafetyNumber(
    username: string,
    verification: VerificationState,
    returnTo: number | null,
  ): void {
    dispatch({
      type: 'openOverlay',
      overlay: { kind: 'safetyNumber', username, verification, returnTo, view: null },
    });
    fire(engine.safetyNumber(username).then((view) => dispatch({ type: 'safetyNumberLoaded', view })));
  }

  function openMemberSafetyNumber(state: AppState): void {
    if (state.overlay.kind !== 'members' || state.selectedGroupId === null) return;
    const member = state.members[state.selectedGroupId]?.[state.overlay.selected];
    if (member === undefined) return;
    if (member.self) return showError('a safety number is computed with another member');
    openSafetyNumber(member.username, member.verification, state.overlay.selected);
  }

  /** /safety USER: the member's known state if this group shows them, else what the engine says. */
  function openUserSafetyNumber(username: string): void {
    if (username === store.getState().self?.username) {
      return showError('a safety number is computed with another user');
    }
    const known = Object.values(store.getState().members)
      .flat()
      .find((member) => member.username === username);
    openSafetyNumber(username, known?.verification ?? 'unverified', null);
  }

  function acknowledgeKeyChange(username: string): void {
    fire(
      engine.acknowledgeKeyChange(username).then((result) => {
        const verification = isVerificationState(result) ? result : 'unverified';
        dispatch({ type: 'verificationChanged', username, verification });
        showInfo(`accepted the new key of ${username}; sending is no longer held`);
        const groupId = store.getState().selectedGroupId;
        if (groupId !== null) refreshMembers(groupId);
      }),
    );
  }

  function runSlashCommand(command: SlashCommand): void {
    switch (command.kind) {
      case 'create':
        return createGroup(command.name);
      case 'invite':
        // A commit and a Welcome: for a large group this takes seconds, so say it is under way.
        return withGroup((group) => {
          showInfo(`inviting ${command.username} to ${group.name} (commit and Welcome)…`);
          fire(engine.invite(group.id, command.username).then(() => showInfo(`invited ${command.username}`)));
        });
      case 'kick':
        return withGroup((group) => {
          showInfo(`removing ${command.username} from ${group.name} (commit)…`);
          fire(engine.kick(group.id, command.username).then(() => showInfo(`removed ${command.username}`)));
        });
      case 'leave':
        return withGroup((group) => fire(engine.leave(group.id)));
      case 'verify':
        return verify(store.getState().selectedGroupId ?? undefined, command.username);
      case 'safety':
        return openUserSafetyNumber(command.username);
      case 'rotate':
        return withGroup((group) => {
          showInfo(`fresh keys for ${group.name} (commit)…`);
          fire(engine.selfUpdate(group.id).then(() => showInfo(`fresh keys in ${group.name}`)));
        });
      case 'rotate-identity':
        showInfo('new identity key: directory and every group (commits)…');
        return fire(
          engine
            .rotateIdentity()
            .then((done) => showInfo(`new identity key, in ${done.groupsUpdated.length} group(s)`)),
        );
      case 'accept':
        showInfo(`joining ${command.invite}…`);
        return fire(engine.acceptInvite(command.invite).then(() => showInfo(`joined ${command.invite}`)));
      case 'decline':
        return fire(engine.declineInvite(command.invite).then(() => showInfo(`declined ${command.invite}`)));
      case 'whoami':
        return openIdentity();
      case 'help':
        return dispatch({ type: 'openOverlay', overlay: { kind: 'help', scroll: 0 } });
      case 'quit':
        return requestQuit();
    }
  }

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
    runSlashCommand(parsed.command);
  }

  function submitOverlay(state: AppState): void {
    const overlay = state.overlay;
    if (overlay.kind === 'createGroup') {
      const checked = normalizeGroupName(overlay.input.text);
      if (!checked.ok) return showError(checked.error);
      dispatch({ type: 'closeOverlay' });
      createGroup(checked.name);
    } else if (overlay.kind === 'invite') {
      const checked = normalizeUsername(overlay.input.text);
      if (!checked.ok) return showError(checked.error);
      dispatch({ type: 'closeOverlay' });
      runSlashCommand({ kind: 'invite', username: checked.username });
    }
  }

  function runKeyCommand(command: KeyCommand, context: KeyContext, state: AppState): void {
    switch (command) {
      case 'quit':
        // A second Ctrl-C (or q) while asking means "really quit".
        return context === 'confirmQuit' ? exit() : requestQuit();
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
        if (context === 'composer') return submitComposer();
        if (context === 'createGroup' || context === 'invite') return submitOverlay(state);
        return dispatch({ type: 'focus', pane: 'composer' });
      case 'newline':
        return dispatch({ type: 'composer', action: { type: 'newline' } });
      case 'jumpNewest':
        return dispatch({ type: 'jumpNewest' });
      case 'jumpUnread':
        return dispatch({ type: 'jumpUnread' });
      case 'members':
        return withGroup((group) => {
          dispatch({ type: 'openOverlay', overlay: { kind: 'members', selected: 0 } });
          refreshMembers(group.id);
        });
      case 'identity':
        return openIdentity();
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
        return runSlashCommand({
          kind: command === 'acceptInvite' ? 'accept' : 'decline',
          invite: reference,
        });
      }
      case 'invite':
        return withGroup(() =>
          dispatch({ type: 'openOverlay', overlay: { kind: 'invite', input: emptyTextInput } }),
        );
      case 'safetyNumber':
        return openMemberSafetyNumber(state);
      case 'acknowledgeKeyChange':
        if (state.overlay.kind !== 'safetyNumber') return;
        if (state.overlay.verification !== 'changed')
          return showInfo(`the key of ${state.overlay.username} did not change`);
        return acknowledgeKeyChange(state.overlay.username);
      case 'verify': {
        if (state.overlay.kind === 'safetyNumber') {
          return verify(state.selectedGroupId ?? undefined, state.overlay.username);
        }
        if (state.overlay.kind !== 'members' || state.selectedGroupId === null) return;
        const member = state.members[state.selectedGroupId]?.[state.overlay.selected];
        if (member !== undefined) verify(state.selectedGroupId, member.username);
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
        if (exited) return;
        const state = store.getState();
        const context: KeyContext = state.overlay.kind === 'none' ? state.focus : state.overlay.kind;
        const resolved = resolveKey(key, context);
        if (resolved.kind === 'command') runKeyCommand(resolved.command, context, state);
        else if (resolved.kind === 'edit') {
          if (context === 'createGroup' || context === 'invite') {
            dispatch({ type: 'overlayEdit', edit: resolved.edit });
          } else if (context === 'composer' || (key.paste && state.overlay.kind === 'none')) {
            // A paste while browsing lands in the composer, which takes the focus.
            if (context !== 'composer') dispatch({ type: 'focus', pane: 'composer' });
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
