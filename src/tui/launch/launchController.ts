/**
 * Drives the launch: key presses go through the pure reducer; when a question is complete the answer
 * goes to the LaunchApi, whose work (slow: scrypt, argon2id, the network) never blocks typing, and
 * whose progress labels and results come back as actions.
 */
import type { EngineErrorLike } from '../engineApi.js';
import type { KeyPress } from '../input/keyParser.js';
import { textEditFor } from '../input/textInput.js';
import type { LaunchApi, LaunchNeed } from './launchApi.js';
import { initialLaunchState, launchReducer } from './launchState.js';
import type { LaunchAction, LaunchState } from './launchState.js';

export interface LaunchStore {
  readonly getState: () => LaunchState;
  readonly subscribe: (listener: () => void) => () => void;
}

export interface LaunchController {
  readonly store: LaunchStore;
  /** Starts opening the profile; safe to call more than once. */
  start(): void;
  /** The keys of one read of stdin, in order. */
  handleKeys(keys: readonly KeyPress[]): void;
}

export interface LaunchControllerOptions {
  /** Called once, when the main screen can start. */
  readonly onReady: () => void;
  /** Called when the user gives up (Ctrl-C, or Esc on the first question). */
  readonly onCancel: () => void;
  /** Which recovery word to ask for (1-24); default random. */
  readonly pickWord?: () => number;
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { message, hint } = error as EngineErrorLike;
    return hint === undefined ? message : `${message} (${hint})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createLaunchController(api: LaunchApi, options: LaunchControllerOptions): LaunchController {
  let state = initialLaunchState;
  const listeners = new Set<() => void>();
  let started = false;
  let finished = false;
  const dispatch = (action: LaunchAction): void => {
    const next = launchReducer(state, action);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
    if (state.step.kind === 'done' && !finished) {
      finished = true;
      options.onReady();
    }
  };
  const progress = (label: string): void => dispatch({ type: 'progress', label });
  const pickWord = options.pickWord ?? (() => 1 + Math.floor(Math.random() * 24));
  const onNeed = (need: LaunchNeed): void => {
    dispatch({ type: 'need', need });
    // Words of an earlier registration that were never confirmed: the same check as right after it.
    if (need.kind === 'recoveryWords') dispatch({ type: 'registered', words: need.words, ask: pickWord() });
  };
  const onError = (error: unknown): void => dispatch({ type: 'failed', message: describe(error) });

  /** The last field of a question was confirmed and checked: hand the answer to the engine. */
  function submit(answered: LaunchState): void {
    const { need, values } = answered;
    dispatch({ type: 'working' });
    if (need?.kind === 'passphrase') {
      progress('Unlocking the profile (scrypt)');
      api.unlock(values.passphrase ?? '', progress).then(onNeed, onError);
    } else if (need?.kind === 'firstRun' && answered.restoring) {
      progress(`Connecting to ${values.server ?? ''}`);
      api
        .restore(
          (values.server ?? '').trim(),
          values.words ?? '',
          (values.username ?? '').trim(),
          values.password ?? '',
          progress,
          ...(answered.withBackup ? [(values.backupFile ?? '').trim()] : []),
        )
        .then(() => onNeed({ kind: 'ready' }), onError);
    } else if (need?.kind === 'firstRun') {
      progress(`Connecting to ${values.server ?? ''}`);
      api
        .register(
          (values.server ?? '').trim(),
          (values.username ?? '').trim(),
          values.password ?? '',
          progress,
        )
        .then((words) => dispatch({ type: 'registered', words, ask: pickWord() }), onError);
    } else if (need?.kind === 'login') {
      progress(`Logging in to ${need.server}`);
      api
        .login(need.username, values.password ?? '', progress)
        .then(() => onNeed({ kind: 'ready' }), onError);
    }
  }

  function handleKey(key: KeyPress): void {
    if (key.ctrl && key.name === 'c') {
      options.onCancel();
      return;
    }
    if (key.escape && state.step.kind !== 'working') {
      options.onCancel();
      return;
    }
    // A pasted line break is text, never Enter (a pasted password with a newline must not submit).
    if (key.return && !key.paste) {
      const before = state;
      dispatch({ type: 'next' });
      if (before.step.kind === 'input' && state.step.kind === 'working') submit(before);
      if (before.step.kind === 'recovery' && state.step.kind === 'working') {
        const { words, ask } = before.step;
        progress('Saving');
        api.confirmRecoveryWords().then(
          () => onNeed({ kind: 'ready' }),
          (error: unknown) => {
            // Not confirmed: back to the words, which stay in the profile for the next try.
            dispatch({ type: 'registered', words, ask });
            onError(error);
          },
        );
      }
      return;
    }
    if (state.step.kind === 'choice' && (key.upArrow || key.downArrow)) {
      dispatch({ type: 'select', delta: key.upArrow ? -1 : 1 });
      return;
    }
    const edit = textEditFor(key);
    if (edit !== undefined) dispatch({ type: 'edit', edit });
  }

  return {
    store: {
      getState: () => state,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    },
    start() {
      if (started) return;
      started = true;
      api.start(progress).then(onNeed, onError);
    },
    handleKeys(keys) {
      for (const key of keys) handleKey(key);
    },
  };
}
