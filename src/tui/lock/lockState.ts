/**
 * The lock as a pure reducer: whether the main screen or the unlock prompt shows, the secret being
 * typed (only until it is handed to the LockApi), what is under way, and the last error.
 */
import { applyTextEdit, emptyTextInput, oneLine } from '../input/textInput.js';
import type { TextEdit, TextInputState } from '../input/textInput.js';

export type LockPhase =
  /** The main screen shows. */
  | 'unlocked'
  /** The unlock prompt shows while the engine locks (the main screen is already gone). */
  | 'locking'
  | 'locked'
  | 'unlocking';

export interface LockState {
  readonly phase: LockPhase;
  readonly input: TextInputState;
  readonly progress: string;
  readonly error: string | undefined;
  /** Why the client locked: shown on the prompt. */
  readonly reason: 'command' | 'idle' | undefined;
}

export type LockAction =
  | { readonly type: 'lock'; readonly reason: 'command' | 'idle' }
  | { readonly type: 'locked' }
  /** Locking failed: the keys may still be in memory, so the prompt stays and says so. */
  | { readonly type: 'lockFailed'; readonly message: string }
  | { readonly type: 'edit'; readonly edit: TextEdit }
  /** Enter: the typed secret goes to the LockApi (the field empties at once). */
  | { readonly type: 'submit' }
  | { readonly type: 'progress'; readonly label: string }
  | { readonly type: 'unlockFailed'; readonly message: string }
  | { readonly type: 'unlocked' };

export const initialLockState: LockState = {
  phase: 'unlocked',
  input: emptyTextInput,
  progress: '',
  error: undefined,
  reason: undefined,
};

/** Longer than any passphrase or password a person types; a paste beyond it is refused. */
const maxSecretLength = 1024;

export function lockReducer(state: LockState, action: LockAction): LockState {
  switch (action.type) {
    case 'lock':
      if (state.phase !== 'unlocked') return state;
      return { ...initialLockState, phase: 'locking', progress: 'Locking', reason: action.reason };
    case 'locked':
      return state.phase === 'locking' ? { ...state, phase: 'locked', progress: '' } : state;
    case 'lockFailed':
      return state.phase === 'locking'
        ? { ...state, phase: 'locked', progress: '', error: action.message }
        : { ...state, error: action.message };
    case 'edit': {
      if (state.phase === 'unlocked' || state.phase === 'unlocking') return state;
      const edit: TextEdit =
        action.edit.type === 'insert' ? { type: 'insert', text: oneLine(action.edit.text) } : action.edit;
      const input = applyTextEdit(state.input, edit);
      return input.text.length > maxSecretLength ? state : { ...state, input };
    }
    case 'submit':
      // Typed while the lock is still under way: the unlock waits for it to finish.
      if ((state.phase !== 'locked' && state.phase !== 'locking') || state.input.text === '') return state;
      return { ...state, phase: 'unlocking', input: emptyTextInput, progress: 'Unlocking', error: undefined };
    case 'progress':
      return state.phase === 'unlocking' ? { ...state, progress: action.label } : state;
    case 'unlockFailed':
      return { ...state, phase: 'locked', progress: '', error: action.message };
    case 'unlocked':
      return initialLockState;
  }
}
