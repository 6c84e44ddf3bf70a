import type { Readable, Writable } from 'node:stream';
import { ValidationError, isQpcError } from '../lib/errors.js';
import { ExitCode, exitCodeFor, type ExitCodeValue, CliErrorCode } from './exitCodes.js';

/** The streams a command talks to; the entry point passes the process's, tests may pass others. */
export interface CliIo {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

export const processIo: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** Upper bound for piped input: a mnemonic or a hex seed is well under 1 KiB. */
const MAX_STDIN_BYTES = 64 * 1024;

/**
 * Reads all of stdin as UTF-8. When stdin is a terminal, `prompt` goes to stderr first so a person knows
 * what to type (and that Ctrl-D ends it); piped input gets no prompt, keeping stdout clean for scripts.
 */
export async function readStdin(io: CliIo, prompt: string): Promise<string> {
  if (io.stdin.isTTY === true) io.stderr.write(`${prompt} (end with Ctrl-D):\n`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    total += buffer.length;
    if (total > MAX_STDIN_BYTES) {
      for (const held of chunks) held.fill(0);
      throw new ValidationError(
        CliErrorCode.stdinTooLarge,
        `input on stdin is larger than ${MAX_STDIN_BYTES} bytes`,
      );
    }
    chunks.push(buffer);
  }
  const all = Buffer.concat(chunks);
  const text = all.toString('utf8');
  // The input is often a secret (mnemonic, seed): do not leave the raw bytes behind.
  all.fill(0);
  for (const chunk of chunks) chunk.fill(0);
  return text;
}

export function writeLine(stream: Writable, line: string): void {
  stream.write(`${line}\n`);
}

/**
 * One line on stderr. A QpcError is an expected outcome: message and hint, no stack. Anything else is a
 * bug, so its stack is shown to make a report useful.
 */
export function reportError(io: CliIo, error: unknown): ExitCodeValue {
  if (isQpcError(error)) {
    const hint = error.hint === undefined ? '' : ` (${error.hint})`;
    writeLine(io.stderr, `qpc: ${error.message}${hint}`);
  } else if (exitCodeFor(error) === ExitCode.usage) {
    writeLine(io.stderr, `qpc: ${(error as Error).message} (see qpc --help)`);
  } else {
    writeLine(
      io.stderr,
      `qpc: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
  }
  return exitCodeFor(error);
}
