import { CommanderError } from '@commander-js/extra-typings';
import { ExitCode, type ExitCodeValue } from './exitCodes.js';
import { processIo, reportError, type CliIo } from './io.js';
import { createProgram } from './program.js';

/** commander's own outcomes: help and version asked for are success, anything else bad usage. */
function exitCodeOfCommander(error: CommanderError): ExitCodeValue {
  // Help or the version asked for (--help, -V, `qpc help CMD`) exits 0; 'commander.help' with a non-zero
  // code is a command group without its subcommand (the help went to stderr): bad usage, like the rest.
  return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
}

/** The whole CLI as a function of its arguments, so it can be driven without spawning a process. */
export async function runQpc(argv: readonly string[], io: CliIo = processIo): Promise<ExitCodeValue> {
  let code: ExitCodeValue = ExitCode.ok;
  const program = createProgram(io, (result) => {
    code = result;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOfCommander(error);
    return reportError(io, error);
  }
}
