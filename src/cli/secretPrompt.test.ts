import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  askNewSecret,
  askSecret,
  canPrompt,
  PromptCancelledError,
  type TerminalInput,
} from './secretPrompt.js';
import { newSecretProblem } from '../engine/store/secretRules.js';

/** A stand-in terminal: records raw mode, lets the test type chunks (as a terminal delivers them). */
function fakeTerminal() {
  const stdin = new PassThrough() as PassThrough & TerminalInput;
  const modes: boolean[] = [];
  stdin.isTTY = true;
  stdin.setRawMode = (mode: boolean) => modes.push(mode);
  const stderr = new PassThrough();
  let shown = '';
  stderr.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  return { stdin, stderr, modes, shown: () => shown };
}

describe('askSecret', () => {
  it('reads a whole burst as keys: Backspaces edit, Enter ends, nothing echoed but stars', async () => {
    const term = fakeTerminal();
    const answer = askSecret(term.stdin, term.stderr, 'Passphrase: ');
    term.stdin.write('correct horsx\x7f\x7fse');
    term.stdin.write('\r');
    expect(await answer).toBe('correct horse');
    expect(term.shown()).not.toContain('correct');
    expect(term.shown()).toContain('Passphrase: ');
    expect(term.modes).toEqual([true, false]);
  });

  it('drops escape sequences and keeps multi-byte characters whole', async () => {
    const term = fakeTerminal();
    const answer = askSecret(term.stdin, term.stderr, '> ');
    term.stdin.write('pä👍');
    term.stdin.write('\x1b[D');
    term.stdin.write('ss\x7f\r');
    expect(await answer).toBe('pä👍s');
  });

  it('Ctrl-C cancels with a usage error and restores the terminal', async () => {
    const term = fakeTerminal();
    const answer = askSecret(term.stdin, term.stderr, '> ');
    term.stdin.write('abc\x03');
    await expect(answer).rejects.toBeInstanceOf(PromptCancelledError);
    expect(term.modes).toEqual([true, false]);
  });

  it('only prompts on a terminal', () => {
    const pipe = new PassThrough() as PassThrough & TerminalInput;
    expect(canPrompt(pipe)).toBe(false);
    expect(canPrompt(fakeTerminal().stdin)).toBe(true);
  });
});

describe('askNewSecret', () => {
  it('asks again, up to three times, when the two entries differ or break the shared rule', async () => {
    const term = fakeTerminal();
    const rule = (secret: string, again: string) => newSecretProblem('passphrase', secret, again);
    // Each answer is typed only once its prompt is shown, as a person would.
    const typed = [
      'short\r',
      'short\r',
      'long enough one\r',
      'long enough two\r',
      'long enough\r',
      'long enough\r',
    ];
    let prompts = 0;
    term.stderr.on('data', (chunk: Buffer) => {
      if (/passphrase.*: $/u.test(chunk.toString())) term.stdin.write(typed[prompts++] ?? '');
    });
    const answer = askNewSecret(term.stdin, term.stderr, 'passphrase', rule);
    expect(await answer).toBe('long enough');
    expect(term.shown()).toContain('the passphrase needs at least 8 characters; try again');
    expect(term.shown()).toContain('the two passphrases differ; try again');
  });

  it('gives up after three mistakes with the rule as a usage error', async () => {
    const term = fakeTerminal();
    term.stderr.on('data', (chunk: Buffer) => {
      if (/: $/u.test(chunk.toString())) term.stdin.write('x\r');
    });
    const rule = (secret: string, again: string) => newSecretProblem('password', secret, again);
    await expect(askNewSecret(term.stdin, term.stderr, 'password', rule)).rejects.toMatchObject({
      code: 'CLI_USAGE',
      message: 'the password needs at least 8 characters',
    });
  });
});
