/**
 * The launch screens as a pure reducer: which step shows, what has been typed (secrets only until they
 * are handed to the engine), the progress label and the last error.
 */
import { validateIdentityMnemonic } from '../../engine/identity/index.js';
import { existingSecretProblem, newSecretProblem } from '../../engine/store/secretRules.js';
import { applyTextEdit, oneLine } from '../input/textInput.js';
import type { TextEdit } from '../input/textInput.js';
import type { LaunchNeed } from './launchApi.js';

export type LaunchField =
  | 'passphrase'
  | 'passphraseAgain'
  | 'server'
  | 'username'
  | 'password'
  | 'passwordAgain'
  | 'word'
  /** Log in on a new profile: the 24 recovery words on one line. */
  | 'words'
  /** Log in on a new profile and import a backup the same words open: its path. */
  | 'backupFile';

/**
 * First run: a new account, an existing one restored from its recovery words, or restored and given
 * back its contacts, trust and history from a backup file the same words open.
 */
export const firstRunChoices = [
  'register a new account',
  'log in with my recovery words',
  'log in with my recovery words and a backup file',
] as const;

export type LaunchStep =
  | { readonly kind: 'working' }
  /** First run: which of firstRunChoices (by index) is highlighted. */
  | { readonly kind: 'choice'; readonly selected: number }
  | { readonly kind: 'input'; readonly field: LaunchField }
  /** The recovery words, shown once; then the user types word number `ask` back. */
  | {
      readonly kind: 'recovery';
      readonly words: readonly string[];
      readonly ask: number;
      readonly typing: boolean;
    }
  | { readonly kind: 'done' };

export interface LaunchState {
  readonly need: LaunchNeed | undefined;
  readonly step: LaunchStep;
  readonly values: Readonly<Partial<Record<LaunchField, string>>>;
  /** First run: the user chose to log in with recovery words instead of registering. */
  readonly restoring: boolean;
  /** First run, restoring: a backup file is imported after the login. */
  readonly withBackup: boolean;
  readonly progress: string;
  readonly error: string | undefined;
  /** Cursor in the field being typed (see textInput.ts); null: at the end of its text. */
  readonly cursor: number | null;
}

export type LaunchAction =
  | { readonly type: 'progress'; readonly label: string }
  | { readonly type: 'need'; readonly need: LaunchNeed }
  | { readonly type: 'failed'; readonly message: string }
  /** An edit of the field being typed: the shared text-input model (readline keys, a paste). */
  | { readonly type: 'edit'; readonly edit: TextEdit }
  /** Enter on an input: the next field, or 'submit' for the caller to act on. */
  | { readonly type: 'next' }
  | { readonly type: 'registered'; readonly words: readonly string[]; readonly ask: number }
  | { readonly type: 'working' }
  /** Up/down on the first-run choice. */
  | { readonly type: 'select'; readonly delta: number };

export const initialLaunchState: LaunchState = {
  need: undefined,
  step: { kind: 'working' },
  values: {},
  restoring: false,
  withBackup: false,
  progress: 'Opening the profile',
  error: undefined,
  cursor: null,
};

/** The fields each need asks for, in order. */
export function fieldsFor(
  need: LaunchNeed | undefined,
  restoring = false,
  withBackup = false,
): readonly LaunchField[] {
  switch (need?.kind) {
    case 'passphrase':
      return need.creating ? ['passphrase', 'passphraseAgain'] : ['passphrase'];
    case 'firstRun':
      if (!restoring) return ['server', 'username', 'password', 'passwordAgain'];
      return withBackup
        ? ['server', 'words', 'backupFile', 'username', 'password']
        : ['server', 'words', 'username', 'password'];
    case 'login':
      return ['password'];
    default:
      return [];
  }
}

export const secretFields: ReadonlySet<LaunchField> = new Set([
  'passphrase',
  'passphraseAgain',
  'password',
  'passwordAgain',
]);

function firstStep(need: LaunchNeed): LaunchStep {
  if (need.kind === 'firstRun') return { kind: 'choice', selected: 0 };
  // The controller picks the word to ask with a 'registered' action; word 1 if it did not.
  if (need.kind === 'recoveryWords') return { kind: 'recovery', words: need.words, ask: 1, typing: false };
  const first = fieldsFor(need)[0];
  return first === undefined ? { kind: 'done' } : { kind: 'input', field: first };
}

/** The typed recovery words, checked word by word then by checksum; undefined when they are valid. */
export function wordsProblem(words: string): string | undefined {
  try {
    validateIdentityMnemonic(words);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** What to check when the last field is confirmed; undefined when the input is complete. */
export function validateInputs(state: LaunchState): string | undefined {
  const { values, need } = state;
  if (need?.kind === 'passphrase') {
    const passphrase = values.passphrase ?? '';
    return need.creating
      ? newSecretProblem('passphrase', passphrase, values.passphraseAgain ?? '')
      : existingSecretProblem('passphrase', passphrase);
  }
  if (need?.kind === 'firstRun') {
    if ((values.server ?? '').trim() === '') return 'a server address is needed (HOST:PORT)';
    if (!/^[a-z0-9_.-]{3,32}$/u.test((values.username ?? '').trim().toLowerCase())) {
      return 'a username has 3-32 of a-z 0-9 _ . -';
    }
    if (state.restoring && state.withBackup && (values.backupFile ?? '').trim() === '') {
      return 'the backup file is needed (the path of the file `qpc backup export` wrote)';
    }
    if (state.restoring) {
      const problem = existingSecretProblem('password', values.password ?? '');
      if (problem !== undefined) return problem;
    } else {
      const problem = newSecretProblem('password', values.password ?? '', values.passwordAgain ?? '');
      if (problem !== undefined) return problem;
    }
  }
  if (need?.kind === 'login') return existingSecretProblem('password', values.password ?? '');
  return undefined;
}

/** The field keys edit now; undefined while nothing is typed (the words stay on screen until Enter). */
export function editedField(state: LaunchState): LaunchField | undefined {
  if (state.step.kind === 'input') return state.step.field;
  if (state.step.kind === 'recovery' && state.step.typing) return 'word';
  return undefined;
}

export function launchReducer(state: LaunchState, action: LaunchAction): LaunchState {
  // Any other action may change the field being typed: its cursor starts at the end of its text.
  if (action.type !== 'edit' && action.type !== 'progress' && state.cursor !== null) {
    return launchReducer({ ...state, cursor: null }, action);
  }
  switch (action.type) {
    case 'progress':
      return { ...state, progress: action.label };
    case 'working':
      return { ...state, step: { kind: 'working' }, error: undefined };
    case 'need':
      // A new question starts with empty secrets; the server defaults to what the engine proposes.
      return {
        ...state,
        need: action.need,
        step: firstStep(action.need),
        values: action.need.kind === 'firstRun' ? { server: action.need.defaultServer } : {},
        restoring: false,
        withBackup: false,
        error: undefined,
      };
    case 'failed': {
      // Back to the first secret of the current question, with the secrets cleared.
      const fields = fieldsFor(state.need, state.restoring, state.withBackup);
      // First run: from the server again (kept, as is the username: Enter walks past them).
      const retry =
        state.need?.kind === 'firstRun'
          ? fields[0]
          : (fields.find((field) => secretFields.has(field)) ?? fields[0]);
      const values = Object.fromEntries(
        Object.entries(state.values).filter(([field]) => !secretFields.has(field as LaunchField)),
      );
      if (state.step.kind === 'recovery') return { ...state, error: action.message };
      return {
        ...state,
        values,
        step: retry === undefined ? { kind: 'working' } : { kind: 'input', field: retry },
        error: action.message,
      };
    }
    case 'registered':
      return {
        ...state,
        values: {},
        step: { kind: 'recovery', words: action.words, ask: action.ask, typing: false },
        error: undefined,
      };
    case 'select': {
      if (state.step.kind !== 'choice') return state;
      const count = firstRunChoices.length;
      const selected = (((state.step.selected + action.delta) % count) + count) % count;
      return { ...state, step: { kind: 'choice', selected } };
    }
    case 'edit': {
      const field = editedField(state);
      if (field === undefined) return state;
      const current = state.values[field] ?? '';
      // Every launch field is one line: pasted recovery words on several lines become one line.
      const edit: TextEdit =
        action.edit.type === 'insert' ? { type: 'insert', text: oneLine(action.edit.text) } : action.edit;
      const edited = applyTextEdit({ text: current, cursor: state.cursor ?? current.length }, edit);
      return { ...state, values: { ...state.values, [field]: edited.text }, cursor: edited.cursor };
    }
    case 'next': {
      if (state.step.kind === 'recovery') {
        if (!state.step.typing) return { ...state, step: { ...state.step, typing: true } };
        const expected = state.step.words[state.step.ask - 1];
        // Right: 'working' while the controller lets the profile forget the words, then 'ready'.
        if ((state.values.word ?? '').trim().toLowerCase() === expected) {
          return { ...state, values: {}, step: { kind: 'working' }, error: undefined };
        }
        return { ...state, values: {}, error: `that is not word ${state.step.ask}; look at your copy again` };
      }
      if (state.step.kind === 'choice') {
        const restoring = state.step.selected >= 1;
        const withBackup = state.step.selected === 2;
        return {
          ...state,
          restoring,
          withBackup,
          step: { kind: 'input', field: 'server' },
          error: undefined,
        };
      }
      if (state.step.kind !== 'input') return state;
      // The words are checked on Enter, so a typo shows before username and password are asked.
      if (state.step.field === 'words') {
        const problem = wordsProblem(state.values.words ?? '');
        if (problem !== undefined) return { ...state, error: problem };
      }
      const fields = fieldsFor(state.need, state.restoring, state.withBackup);
      const following = fields[fields.indexOf(state.step.field) + 1];
      if (following !== undefined)
        return { ...state, step: { kind: 'input', field: following }, error: undefined };
      const problem = validateInputs(state);
      if (problem !== undefined) return launchReducer(state, { type: 'failed', message: problem });
      return { ...state, step: { kind: 'working' }, error: undefined };
    }
  }
}
