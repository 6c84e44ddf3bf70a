/**
 * What the parts of the TUI controller share: the engine, the store, dispatch (which also runs the work
 * that follows a state change) and the fire-and-forget helpers that report a failure on the status line.
 */
import type { EngineApi, EngineErrorLike, GroupSummary } from '../engineApi.js';
import type { AppAction } from '../state/appState.js';
import { selectedGroup } from '../state/appState.js';
import type { TuiStore } from '../tuiStore.js';

export interface ControllerContext {
  readonly engine: EngineApi;
  readonly store: TuiStore;
  readonly dispatch: (action: AppAction) => void;
  /** Runs engine work without waiting; a failure goes to `onError` (default: the status line). */
  readonly fire: (work: Promise<unknown>, onError?: (error: unknown) => void) => void;
  readonly showError: (error: unknown) => void;
  readonly showInfo: (text: string) => void;
}

/** A rejection as one line: message, code and hint. */
export function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    const { code, message, hint } = error as EngineErrorLike;
    return `${message} (${code})${hint === undefined ? '' : ` - ${hint}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** The stable code of a rejection, when it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const { code } = error;
  return typeof code === 'string' ? code : undefined;
}

export function createControllerContext(
  engine: EngineApi,
  store: TuiStore,
  dispatch: (action: AppAction) => void,
): ControllerContext {
  const showError = (error: unknown): void =>
    store.dispatch({ type: 'status', status: { tone: 'error', text: describeError(error) } });
  return {
    engine,
    store,
    dispatch,
    showError,
    showInfo: (text) => store.dispatch({ type: 'status', status: { tone: 'info', text } }),
    fire(work, onError = showError) {
      work.catch(onError);
    },
  };
}

/** Runs `work` for the selected group, or says why it cannot. */
export function withGroup(context: ControllerContext, work: (group: GroupSummary) => void): void {
  const group = selectedGroup(context.store.getState());
  if (group === undefined) context.showError('no group selected: create one with Ctrl-N or /create NAME');
  else work(group);
}
