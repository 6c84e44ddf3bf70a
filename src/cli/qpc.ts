import { ExitCode, UsageError, type ExitCodeValue } from './exitCodes.js';
import { processIo, reportError, writeLine, type CliIo } from './io.js';
import type { CommandGroup } from './commands/commandGroup.js';
import { keysCommand } from './commands/keys.js';
import { accountCommand } from './commands/account.js';
import { groupCommand } from './commands/group.js';
import { receiveCommand } from './commands/receive.js';
import { sendCommand } from './commands/send.js';
import { serverCommand } from './commands/server.js';
import { whoamiCommand } from './commands/whoami.js';
import { tuiCommand } from './commands/tui.js';
import { safetyNumberCommand, verifyCommand } from './commands/verify.js';

/** Every `qpc <group>`; a new group is a file in ./commands/ added here. */
const commandGroups: readonly CommandGroup[] = [
  keysCommand,
  accountCommand,
  whoamiCommand,
  groupCommand,
  sendCommand,
  receiveCommand,
  serverCommand,
  tuiCommand,
  safetyNumberCommand,
  verifyCommand,
];

function usage(): string {
  const width = Math.max(...commandGroups.map((group) => group.name.length)) + 2;
  const lines = commandGroups.map((group) => `  ${group.name.padEnd(width)}${group.summary}`);
  return `Usage: qpc [command] [options]

quicprochat: end-to-end encrypted group chat for the terminal.
With no command, in a terminal, qpc opens the full-screen client (see qpc tui --help).

Commands:
${lines.join('\n')}

Options:
  -h, --help  show help (also: qpc <command> --help)

Exit codes: 0 ok, 1 unexpected failure, 2 bad usage or input, 3 authentication, 4 network.`;
}

/** The whole CLI as a function of its arguments, so it can be driven without spawning a process. */
export async function runQpc(argv: string[], io: CliIo = processIo): Promise<ExitCodeValue> {
  try {
    const [first, ...rest] = argv;
    // No command (or only options such as --profile): the full-screen client, when there is a terminal
    // to draw it on; through a pipe a bare `qpc` prints this help instead.
    const terminal = io.stdin.isTTY === true && (io.stdout as { isTTY?: boolean }).isTTY === true;
    if ((first === undefined && terminal) || (first?.startsWith('--') === true && first !== '--help')) {
      return await tuiCommand.run(argv, io);
    }
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      writeLine(io.stdout, usage());
      return ExitCode.ok;
    }
    const group = commandGroups.find((candidate) => candidate.name === first);
    if (group === undefined) {
      throw new UsageError(`unknown command "${first}"`, 'see qpc --help');
    }
    return await group.run(rest, io);
  } catch (error) {
    return reportError(io, error);
  }
}

// Set exitCode rather than calling process.exit(), so buffered stdout is flushed before the process ends.
process.exitCode = await runQpc(process.argv.slice(2));
