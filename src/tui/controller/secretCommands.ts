/**
 * The TUI's work with the account's secrets: the recovery words shown again after the account
 * password, and the encrypted backup's export and import. Secrets typed here live in the overlay's
 * state only until they are handed to the engine; the words shown live there only while the overlay
 * is open (the screen is the alternate one, so nothing of them reaches the scrollback).
 */
import { BackupErrorCode } from '../../engine/backup/backupErrors.js';
import { emptyTextInput } from '../input/textInput.js';
import type { AppState } from '../state/appState.js';
import type { ControllerContext } from './controllerContext.js';
import { errorCode } from './controllerContext.js';

export function askPasswordForRecoveryWords(context: ControllerContext): void {
  context.dispatch({
    type: 'openOverlay',
    overlay: { kind: 'revealPassword', input: emptyTextInput, checking: false },
  });
}

export function submitRecoveryPassword(context: ControllerContext, state: AppState): void {
  const { engine, store, dispatch, fire, showError, showInfo } = context;
  if (state.overlay.kind !== 'revealPassword' || state.overlay.checking) return;
  const password = state.overlay.input.text;
  if (password === '') return showError('the account password is needed');
  dispatch({
    type: 'openOverlay',
    overlay: { kind: 'revealPassword', input: emptyTextInput, checking: true },
  });
  showInfo('checking the password (logging in: argon2id)…');
  const stillAsking = (): boolean => store.getState().overlay.kind === 'revealPassword';
  fire(
    engine.revealRecoveryWords(password).then((words) => {
      // Closed meanwhile (Esc): the words are not shown after all.
      if (!stillAsking()) return;
      dispatch({ type: 'openOverlay', overlay: { kind: 'recoveryWords', words: words.split(' ') } });
      dispatch({ type: 'status', status: null });
    }),
    (error) => {
      if (stillAsking()) {
        dispatch({
          type: 'openOverlay',
          overlay: { kind: 'revealPassword', input: emptyTextInput, checking: false },
        });
      }
      showError(error);
    },
  );
}

function summaryLine(counts: { contacts: number; settings: number; messages: number }): string {
  return `${counts.contacts} contacts, ${counts.settings} settings, ${counts.messages} messages`;
}

function askBackupWords(context: ControllerContext, action: 'import' | 'export', file: string): void {
  context.dispatch({
    type: 'openOverlay',
    overlay: { kind: 'backupWords', action, file, input: emptyTextInput, working: false },
  });
}

function exportBackup(context: ControllerContext, file: string, words: string | undefined): void {
  const { engine, store, dispatch, fire, showError, showInfo } = context;
  showInfo(`writing the backup to ${file}…`);
  fire(
    engine.exportBackup(file, words === undefined ? {} : { words }).then((summary) => {
      if (store.getState().overlay.kind === 'backupWords') dispatch({ type: 'closeOverlay' });
      showInfo(`exported ${summaryLine(summary)} to ${file}`);
    }),
    (error) => {
      // A profile from before the words were kept: they seal the backup, so ask for them once.
      if (words === undefined && errorCode(error) === BackupErrorCode.wordsNeeded) {
        askBackupWords(context, 'export', file);
        return showInfo('this profile keeps no recovery words: type them to seal the backup');
      }
      const overlay = store.getState().overlay;
      if (overlay.kind === 'backupWords')
        dispatch({ type: 'openOverlay', overlay: { ...overlay, working: false } });
      showError(error);
    },
  );
}

function importBackup(context: ControllerContext, file: string, words: string): void {
  const { engine, store, dispatch, fire, showError, showInfo } = context;
  showInfo(`reading the backup ${file}…`);
  fire(
    engine.importBackup(file, words).then((result) => {
      if (store.getState().overlay.kind === 'backupWords') dispatch({ type: 'closeOverlay' });
      // The history may have grown: loaded pages are fetched again.
      dispatch({ type: 'historyReplaced' });
      showInfo(`imported ${summaryLine(result)} from ${file}`);
    }),
    (error) => {
      // Refused whole (wrong words, a changed or cut file): the overlay stays for another try.
      const overlay = store.getState().overlay;
      if (overlay.kind === 'backupWords')
        dispatch({ type: 'openOverlay', overlay: { ...overlay, working: false } });
      showError(error);
    },
  );
}

/** `/backup export FILE` writes at once; `/backup import FILE` first asks for the recovery words. */
export function runBackupCommand(
  context: ControllerContext,
  action: 'import' | 'export',
  file: string,
): void {
  if (action === 'export') exportBackup(context, file, undefined);
  else askBackupWords(context, 'import', file);
}

export function submitBackupWords(context: ControllerContext, state: AppState): void {
  const overlay = state.overlay;
  if (overlay.kind !== 'backupWords' || overlay.working) return;
  const words = overlay.input.text.trim();
  if (words === '') return context.showError('the 24 recovery words are needed');
  context.dispatch({ type: 'openOverlay', overlay: { ...overlay, input: emptyTextInput, working: true } });
  if (overlay.action === 'import') importBackup(context, overlay.file, words);
  else exportBackup(context, overlay.file, words);
}
