/**
 * Asks for a secret on the terminal without echoing it: raw mode, one '*' per character typed, Backspace
 * edits, Enter ends, Ctrl-C or Ctrl-D gives up. The prompt goes to stderr so stdout stays clean for
 * scripts. Only for a terminal: through a pipe secrets come from stdin (--password-stdin) or QPC_*.
 */
import type { Readable, Writable } from 'node:stream';
import { UsageError } from './exitCodes.js';

export interface TerminalInput extends Readable {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export class PromptCancelledError extends UsageError {
  constructor() {
    super('cancelled at the prompt');
  }
}

/** True when a person can answer a prompt: stdin is a terminal that can switch to raw mode. */
export function canPrompt(stdin: TerminalInput): boolean {
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function';
}

export function askSecret(stdin: TerminalInput, stderr: Writable, prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // Code points typed so far; a string cannot be wiped, but no copy outlives this call's result.
    const typed: string[] = [];
    stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.setEncoding('utf8');
    const finish = (error: Error | undefined): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error === undefined) resolve(typed.join(''));
      else reject(error);
      typed.length = 0;
    };
    const onData = (chunk: string): void => {
      // A chunk may hold several keys (a paste, a fast typist): handle each code point in turn.
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return finish(undefined);
        if (char === '\u0003' || char === '\u0004') return finish(new PromptCancelledError());
        // An escape sequence (arrow keys, function keys) is not part of a secret: drop the rest of it.
        if (char === '\u001b') return;
        if (char === '\u007f' || char === '\b') {
          if (typed.pop() !== undefined) stderr.write('\b \b');
        } else if (char >= ' ') {
          typed.push(char);
          stderr.write('*');
        }
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/**
 * A new secret, typed twice and checked by `problem` (the shared rules); asks again after a mistake,
 * up to three times.
 */
export async function askNewSecret(
  stdin: TerminalInput,
  stderr: Writable,
  label: string,
  problem: (secret: string, again: string) => string | undefined,
): Promise<string> {
  for (let attempt = 1; ; attempt += 1) {
    const secret = await askSecret(stdin, stderr, `Choose a ${label}: `);
    const again = await askSecret(stdin, stderr, `Type the ${label} again: `);
    const why = problem(secret, again);
    if (why === undefined) return secret;
    if (attempt === 3) throw new UsageError(why);
    stderr.write(`qpc: ${why}; try again\n`);
  }
}
