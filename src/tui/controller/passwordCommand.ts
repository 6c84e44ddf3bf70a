/**
 * /password: a new account password from the full-screen client, under the same rules as
 * `qpc account password` (store/secretRules.ts): the current password, then the new one twice, each
 * in a masked field. What was typed lives in the overlay's state only until it is handed to the engine;
 * the overlay then drops it (JS strings cannot be wiped: docs/key-lifecycle.md names them).
 */
import { existingSecretProblem, newSecretProblem } from '../../engine/store/secretRules.js';
import { emptyTextInput } from '../input/textInput.js';
import type { AppState, PasswordStage } from '../state/appState.js';
import type { ControllerContext } from './controllerContext.js';

const stages: readonly PasswordStage[] = ['current', 'new', 'again'];

function open(context: ControllerContext, stage: PasswordStage, entered: readonly string[]): void {
  context.dispatch({
    type: 'openOverlay',
    overlay: { kind: 'changePassword', stage, entered, input: emptyTextInput, working: false },
  });
}

export function askPasswordChange(context: ControllerContext): void {
  open(context, 'current', []);
}

/** The sentence refusing what was typed at `stage`, or undefined when it may go on. */
function stageProblem(stage: PasswordStage, entered: readonly string[], typed: string): string | undefined {
  const [current = '', chosen = ''] = entered;
  switch (stage) {
    case 'current':
      return existingSecretProblem('password', typed);
    case 'new':
      return (
        newSecretProblem('password', typed) ??
        (typed === current ? 'the new password is the current one' : undefined)
      );
    case 'again':
      return newSecretProblem('password', chosen, typed);
  }
}

/** Enter in the overlay: the next field, or, after the second new password, the change itself. */
export function submitPasswordStage(context: ControllerContext, state: AppState): void {
  const overlay = state.overlay;
  if (overlay.kind !== 'changePassword' || overlay.working) return;
  const typed = overlay.input.text;
  const problem = stageProblem(overlay.stage, overlay.entered, typed);
  if (problem !== undefined) {
    // Two different new passwords: both are asked again, as the command line does.
    if (overlay.stage === 'again') open(context, 'new', overlay.entered.slice(0, 1));
    else open(context, overlay.stage, overlay.entered);
    return context.showError(problem);
  }
  const entered = [...overlay.entered, typed];
  const following = stages[stages.indexOf(overlay.stage) + 1];
  if (overlay.stage !== 'again' && following !== undefined) {
    open(context, following, entered);
    return context.dispatch({ type: 'status', status: null });
  }
  const [oldPassword = '', newPassword = ''] = entered;
  // From here the secrets are the engine's: the overlay keeps none of them while it works.
  context.dispatch({
    type: 'openOverlay',
    overlay: { kind: 'changePassword', stage: 'again', entered: [], input: emptyTextInput, working: true },
  });
  context.showInfo('changing the password (a login, then a new OPAQUE registration: argon2id)…');
  const stillOpen = (): boolean => context.store.getState().overlay.kind === 'changePassword';
  context.fire(
    context.engine.changePassword(oldPassword, newPassword).then(({ sessionsEnded }) => {
      if (stillOpen()) context.dispatch({ type: 'closeOverlay' });
      context.showInfo(
        `password changed; ${sessionsEnded} other session(s) ended: log in there with the new password`,
      );
    }),
    (error) => {
      // Nothing changed (a wrong current password, the server unreachable): start again from the top.
      if (stillOpen()) open(context, 'current', []);
      context.showError(error);
    },
  );
}
