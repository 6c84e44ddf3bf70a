/** Group, member and trust actions of the TUI: each an engine call whose result comes back as actions. */
import type { VerificationState } from '../engineApi.js';
import type { AppState } from '../state/appState.js';
import type { ControllerContext } from './controllerContext.js';

const verificationStates: readonly string[] = ['unverified', 'verified', 'changed'];

function isVerificationState(value: unknown): value is VerificationState {
  return typeof value === 'string' && verificationStates.includes(value);
}

export function refreshMembers(context: ControllerContext, groupId: string): void {
  const { engine, dispatch, fire } = context;
  fire(engine.listMembers(groupId).then((members) => dispatch({ type: 'membersLoaded', groupId, members })));
}

export function openIdentity(context: ControllerContext): void {
  const { engine, dispatch, fire } = context;
  dispatch({ type: 'openOverlay', overlay: { kind: 'identity' } });
  fire(engine.whoami().then((self) => dispatch({ type: 'selfLoaded', self })));
}

export function createGroup(context: ControllerContext, name: string): void {
  const { engine, store, dispatch, fire, showInfo } = context;
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

export function verify(context: ControllerContext, groupId: string | undefined, username: string): void {
  const { engine, dispatch, fire, showInfo } = context;
  fire(
    engine.markVerified(groupId, username).then(() => {
      showInfo(`marked ${username} as verified`);
      dispatch({ type: 'verificationChanged', username, verification: 'verified' });
      if (groupId !== undefined) refreshMembers(context, groupId);
    }),
  );
}

/** Opens the safety-number overlay and asks the engine for the number; the view brings the trust state. */
function openSafetyNumber(
  context: ControllerContext,
  username: string,
  verification: VerificationState,
  returnTo: number | null,
): void {
  const { engine, dispatch, fire } = context;
  dispatch({
    type: 'openOverlay',
    overlay: { kind: 'safetyNumber', username, verification, returnTo, view: null },
  });
  fire(engine.safetyNumber(username).then((view) => dispatch({ type: 'safetyNumberLoaded', view })));
}

export function openMemberSafetyNumber(context: ControllerContext, state: AppState): void {
  if (state.overlay.kind !== 'members' || state.selectedGroupId === null) return;
  const member = state.members[state.selectedGroupId]?.[state.overlay.selected];
  if (member === undefined) return;
  if (member.self) return context.showError('a safety number is computed with another member');
  openSafetyNumber(context, member.username, member.verification, state.overlay.selected);
}

/** /safety USER: the member's known state if this group shows them, else what the engine says. */
export function openUserSafetyNumber(context: ControllerContext, username: string): void {
  const state = context.store.getState();
  if (username === state.self?.username) {
    return context.showError('a safety number is computed with another user');
  }
  const known = Object.values(state.members)
    .flat()
    .find((member) => member.username === username);
  openSafetyNumber(context, username, known?.verification ?? 'unverified', null);
}

export function acknowledgeKeyChange(context: ControllerContext, username: string): void {
  const { engine, store, dispatch, fire, showInfo } = context;
  fire(
    engine.acknowledgeKeyChange(username).then((result) => {
      const verification = isVerificationState(result) ? result : 'unverified';
      dispatch({ type: 'verificationChanged', username, verification });
      showInfo(`accepted the new key of ${username}; sending is no longer held`);
      const groupId = store.getState().selectedGroupId;
      if (groupId !== null) refreshMembers(context, groupId);
    }),
  );
}
