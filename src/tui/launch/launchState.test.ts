import { describe, expect, it } from 'vitest';
import { initialLaunchState, launchReducer, validateInputs } from './launchState.js';
import type { LaunchAction, LaunchState } from './launchState.js';

const run = (state: LaunchState, ...actions: LaunchAction[]): LaunchState =>
  actions.reduce(launchReducer, state);
const typeText = (text: string): LaunchAction => ({ type: 'edit', edit: { type: 'insert', text } });
const next: LaunchAction = { type: 'next' };
const firstRun: LaunchAction = { type: 'need', need: { kind: 'firstRun', defaultServer: '127.0.0.1:7443' } };

describe('launchReducer', () => {
  it('walks the first run: server prefilled, username, password twice, then work', () => {
    let state = run(initialLaunchState, firstRun);
    expect(state.step).toEqual({ kind: 'choice', selected: 0 });
    state = run(state, next);
    expect(state.restoring).toBe(false);
    expect(state.step).toEqual({ kind: 'input', field: 'server' });
    expect(state.values.server).toBe('127.0.0.1:7443');
    state = run(state, next, typeText('alice'), next, typeText('secret pw'), next, typeText('secret pw'));
    expect(state.step).toEqual({ kind: 'input', field: 'passwordAgain' });
    state = run(state, next);
    expect(state.step).toEqual({ kind: 'working' });
    expect(state.error).toBeUndefined();
  });

  it('refuses differing passwords, clears the secrets and keeps server and username', () => {
    const state = run(
      initialLaunchState,
      firstRun,
      next,
      next,
      typeText('alice'),
      next,
      typeText('secret pw'),
      next,
      typeText('other pw!'),
      next,
    );
    expect(state.error).toBe('the two passwords differ');
    expect(state.step).toEqual({ kind: 'input', field: 'server' });
    expect(state.values).toEqual({ server: '127.0.0.1:7443', username: 'alice' });
  });

  it('checks usernames and password length', () => {
    const base = run(initialLaunchState, firstRun, next);
    expect(
      validateInputs({
        ...base,
        values: { server: 'h:1', username: 'A!', password: 'x'.repeat(8), passwordAgain: 'x'.repeat(8) },
      }),
    ).toMatch(/username/u);
    expect(
      validateInputs({
        ...base,
        values: { server: 'h:1', username: 'bob', password: 'short', passwordAgain: 'short' },
      }),
    ).toMatch(/8 characters/u);
    expect(
      validateInputs({
        ...base,
        values: { server: 'h:1', username: 'bob', password: 'longenough', passwordAgain: 'longenough' },
      }),
    ).toBeUndefined();
  });

  it('shows the recovery words, hides them for the check, and accepts only the asked word', () => {
    const words = Array.from({ length: 24 }, (_, index) => `word${String.fromCharCode(97 + index)}`);
    let state = run(initialLaunchState, firstRun, { type: 'registered', words, ask: 3 });
    expect(state.step).toMatchObject({ kind: 'recovery', typing: false });
    // Typing before Enter does nothing: the words are still being copied.
    expect(run(state, typeText('x')).values.word).toBeUndefined();
    state = run(state, next, typeText('wordb'), next);
    expect(state.error).toBe('that is not word 3; look at your copy again');
    expect(state.step).toMatchObject({ kind: 'recovery', typing: true });
    state = run(state, typeText('WORDC'), next);
    // The controller now lets the profile forget the words, then the 'ready' need ends the launch.
    expect(state.step).toEqual({ kind: 'working' });
    expect(run(state, { type: 'need', need: { kind: 'ready' } }).step).toEqual({ kind: 'done' });
  });

  it('asks a new passphrase twice and a known one once; backspace edits', () => {
    let state = run(initialLaunchState, { type: 'need', need: { kind: 'passphrase', creating: true } });
    state = run(
      state,
      typeText('long passphrase'),
      next,
      typeText('long passphrasX'),
      { type: 'edit', edit: { type: 'backspace' } },
      typeText('e'),
      next,
    );
    expect(state.step).toEqual({ kind: 'working' });
    state = run(
      initialLaunchState,
      { type: 'need', need: { kind: 'passphrase', creating: false } },
      typeText('whatever1'),
      next,
    );
    expect(state.step).toEqual({ kind: 'working' });
  });

  it('returns to the password after a failed login, with the error', () => {
    const state = run(
      initialLaunchState,
      { type: 'need', need: { kind: 'login', username: 'alice', server: 'h:1' } },
      typeText('wrong'),
      next,
      { type: 'failed', message: 'wrong password' },
    );
    expect(state.step).toEqual({ kind: 'input', field: 'password' });
    expect(state.values).toEqual({});
    expect(state.error).toBe('wrong password');
  });

  describe('first run: log in with recovery words', () => {
    const valid = `${'abandon '.repeat(23)}art`;
    const restoring = (): LaunchState =>
      run(initialLaunchState, firstRun, { type: 'select', delta: 1 }, next, next);

    it('offers the choice, wraps around, and asks server, words, username, password', () => {
      const choice = run(initialLaunchState, firstRun, { type: 'select', delta: 1 });
      expect(choice.step).toEqual({ kind: 'choice', selected: 1 });
      const third = run(choice, { type: 'select', delta: 1 });
      expect(third.step).toEqual({ kind: 'choice', selected: 2 });
      expect(run(third, { type: 'select', delta: 1 }).step).toEqual({ kind: 'choice', selected: 0 });
      expect(run(initialLaunchState, firstRun, { type: 'select', delta: -1 }).step).toEqual({
        kind: 'choice',
        selected: 2,
      });
      let state = restoring();
      expect(state.restoring).toBe(true);
      expect(state.step).toEqual({ kind: 'input', field: 'words' });
      state = run(state, typeText(valid), next, typeText('alice'), next, typeText('pw'));
      expect(state.step).toEqual({ kind: 'input', field: 'password' });
      state = run(state, next);
      expect(state.step).toEqual({ kind: 'working' });
      expect(state.values).toMatchObject({ words: valid, username: 'alice', password: 'pw' });
    });

    it('with a backup file: asks the file after the words and refuses an empty one', () => {
      let state = run(initialLaunchState, firstRun, { type: 'select', delta: 2 }, next, next);
      expect(state).toMatchObject({ restoring: true, withBackup: true });
      state = run(state, typeText(valid), next);
      expect(state.step).toEqual({ kind: 'input', field: 'backupFile' });
      const empty = run(state, next, typeText('alice'), next, typeText('pw'), next);
      expect(empty.error).toMatch(/backup file is needed/u);
      expect(empty.step).toEqual({ kind: 'input', field: 'server' });
      state = run(state, typeText('~/qpc.bak'), next, typeText('alice'), next, typeText('pw'), next);
      expect(state.step).toEqual({ kind: 'working' });
      expect(state.values).toMatchObject({ backupFile: '~/qpc.bak', username: 'alice', password: 'pw' });
    });

    it('shows an unknown word and a bad checksum inline and stays on the words', () => {
      const typo = run(restoring(), typeText(valid.replace('art', 'artz')), next);
      expect(typo.step).toEqual({ kind: 'input', field: 'words' });
      expect(typo.error).toMatch(/artz/u);
      const checksum = run(restoring(), typeText(`${'abandon '.repeat(23)}abandon`), next);
      expect(checksum.step).toEqual({ kind: 'input', field: 'words' });
      expect(checksum.error).toMatch(/checksum/iu);
      expect(checksum.error).not.toBe(typo.error);
      const erase: LaunchAction[] = Array.from({ length: 'abandon'.length }, () => ({
        type: 'edit',
        edit: { type: 'backspace' },
      }));
      const fixed = run(checksum, ...erase, typeText('art'), next);
      expect(fixed.values.words).toBe(valid);
      expect(fixed.step).toEqual({ kind: 'input', field: 'username' });
      expect(fixed.error).toBeUndefined();
    });

    it('after a wrong password keeps server, words and username and clears the password', () => {
      const state = run(
        restoring(),
        typeText(valid),
        next,
        typeText('alice'),
        next,
        typeText('wrong'),
        next,
        { type: 'failed', message: 'wrong username or password' },
      );
      expect(state.error).toBe('wrong username or password');
      expect(state.restoring).toBe(true);
      expect(state.values).toEqual({ server: '127.0.0.1:7443', words: valid, username: 'alice' });
      expect(state.step).toEqual({ kind: 'input', field: 'server' });
    });
  });
});
