/** qpc-server's command line without a process: which hook runs with which arguments, and exit codes. */
import { CommanderError } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { createServerProgram } from './serverProgram.js';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const started: (readonly string[])[] = [];
  let code: number | undefined;
  const program = createServerProgram(argv, {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    start: (args) => {
      started.push(args);
      return Promise.resolve(0);
    },
    normalize: (args) => [...args],
    describe: (error) => `qpc-server: ${(error as Error).message}`,
    exitCodeFor: () => 2,
    finish: (result) => {
      code = result;
    },
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    code = error.exitCode === 0 ? 0 : 2;
  }
  return { out: out.join(''), err: err.join(''), started, code };
}

describe('qpc-server command line', () => {
  it('--help and --version print and exit 0 without starting anything', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.started).toEqual([]);
    expect(help.out).toContain('--listen <value>');
    expect(help.out).toContain('qpc-server backup --to FILE');
    const commandHelp = await run(['restore', '--help', '--from', 'x.db']);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.out).toContain('qpc-server restore --from FILE');
    expect(commandHelp.started).toEqual([]);
    const version = await run(['--version']);
    expect(version.out).toMatch(/^qpc-server \d+\.\d+\.\d+\n$/u);
    expect(version.code).toBe(0);
  });

  it('no command starts the server with the arguments as typed; unknown flags go to the loader', async () => {
    const start = await run(['--data', 'd', '--listen', '127.0.0.1:0', '--no-such-flag']);
    expect(start.started).toEqual([['--data', 'd', '--listen', '127.0.0.1:0', '--no-such-flag']]);
    expect(start.code).toBe(0);
  });

  it('an unknown command is a usage error (exit 2) and starts nothing', async () => {
    const typo = await run(['bakup', '--data', 'd']);
    expect(typo.code).toBe(2);
    expect(typo.err).toContain("unknown command 'bakup'");
    expect(typo.started).toEqual([]);
  });
});
