/** A tiny external store for the reducer, read by React through useSyncExternalStore. */
import { appReducer } from './state/appReducer.js';
import type { AppAction, AppState } from './state/appState.js';

// Function-valued properties rather than methods: React calls them detached (useSyncExternalStore).
export interface TuiStore {
  readonly getState: () => AppState;
  readonly dispatch: (action: AppAction) => void;
  readonly subscribe: (listener: () => void) => () => void;
}

export function createTuiStore(initial: AppState): TuiStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = appReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
