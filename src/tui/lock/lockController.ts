/**
 * Drives the lock: `/lock`, the key binding and the idle timer lock the client through the LockApi;
 * keys on the unlock prompt go through the pure reducer; Enter hands the secret to the LockApi, whose
 * slow work (scrypt, argon2id, the network) never blocks typing. Idle means no key pressed: engine
 * events (messages arriving) do not keep a client unlocked.
 */
import type { EngineApi, EngineErrorLike } from '../engineApi.js';
import type { KeyPress } from '../input/keyParser.js';
import { textEditFor } from '../input/textInput.js';
import type { LockApi } from './lockApi.js';
import { initialLockState, lockReducer } from './lockState.js';
import type { LockAction, LockState } from './lockState.js';

/** Starts a one-shot timer and returns the function that cancels it; injected so tests need no sleep. */
export type IdleTimer = (delayMs: number, fire: () => void) => () => void;

/** Node's timer, unref'd: an idle timer alone must not keep a quitting process alive. */
export const systemIdleTimer: IdleTimer = (delayMs, fire) => {
  const timer = setTimeout(fire, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

export interface LockControllerOptions {
  readonly api: LockApi;
  /** Lock after this long without a key press; 0: never. */
  readonly idleMs: number;
  readonly timer?: IdleTimer;
  /** The new engine after an unlock, for a fresh main screen. */
  readonly onUnlocked: (engine: EngineApi) => void;
  /** Ctrl-C on the unlock prompt. */
  readonly onQuit: () => void;
}

export interface LockController {
  readonly getState: () => LockState;
  readonly subscribe: (listener: () => void) => () => void;
  /** A key was pressed on the main screen: the idle timer starts again. */
  activity(): void;
  lock(reason: 'command' | 'idle'): void;
  /** Keys of one read while the unlock prompt shows. */
  handleKeys(keys: readonly KeyPress[]): void;
  /** Stops the idle timer (at exit). */
  stop(): void;
}

function describe(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { code, message, hint } = error as EngineErrorLike;
    return `${message} (${code})${hint === undefined ? '' : ` - ${hint}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

export function createLockController(options: LockControllerOptions): LockController {
  const timer = options.timer ?? systemIdleTimer;
  let state = initialLockState;
  const listeners = new Set<() => void>();
  let cancelIdle: (() => void) | undefined;
  let locking: Promise<void> = Promise.resolve();
  let stopped = false;

  const dispatch = (action: LockAction): void => {
    const next = lockReducer(state, action);
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };

  function armIdle(): void {
    cancelIdle?.();
    cancelIdle = undefined;
    if (stopped || options.idleMs <= 0 || state.phase !== 'unlocked') return;
    cancelIdle = timer(options.idleMs, () => {
      cancelIdle = undefined;
      lock('idle');
    });
  }

  function lock(reason: 'command' | 'idle'): void {
    if (state.phase !== 'unlocked') return;
    cancelIdle?.();
    cancelIdle = undefined;
    dispatch({ type: 'lock', reason });
    locking = options.api.lock().then(
      () => dispatch({ type: 'locked' }),
      (error: unknown) => dispatch({ type: 'lockFailed', message: `locking failed: ${describe(error)}` }),
    );
  }

  function unlock(secret: string): void {
    dispatch({ type: 'submit' });
    const progress = (label: string): void => dispatch({ type: 'progress', label });
    locking
      .then(() => options.api.unlock(secret, progress))
      .then(
        (engine) => {
          dispatch({ type: 'unlocked' });
          options.onUnlocked(engine);
          armIdle();
        },
        (error: unknown) => dispatch({ type: 'unlockFailed', message: describe(error) }),
      );
  }

  function handleKey(key: KeyPress): void {
    // On the main screen its own bindings apply (Ctrl-C there asks about the outbox first).
    if (state.phase === 'unlocked') return;
    if (key.ctrl && key.name === 'c') {
      options.onQuit();
      return;
    }
    // A pasted line break is text, never Enter (a pasted secret with a newline must not submit).
    if (key.return && !key.paste) {
      if (state.phase === 'locked' || state.phase === 'locking') {
        const secret = state.input.text;
        if (secret !== '') unlock(secret);
      }
      return;
    }
    if (key.escape) {
      dispatch({ type: 'edit', edit: { type: 'killLineStart' } });
      dispatch({ type: 'edit', edit: { type: 'killLineEnd' } });
      return;
    }
    const edit = textEditFor(key);
    if (edit !== undefined) dispatch({ type: 'edit', edit });
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    activity() {
      armIdle();
    },
    lock,
    handleKeys(keys) {
      for (const key of keys) handleKey(key);
    },
    stop() {
      stopped = true;
      cancelIdle?.();
      cancelIdle = undefined;
    },
  };
}
