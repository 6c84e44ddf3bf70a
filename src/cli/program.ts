/**
 * Every `qpc` command, its arguments, options and help, defined once (commander). An action is a thin
 * call into a handler in ./commands/*.ts, loaded only when that command runs, so `qpc --help` loads
 * neither ts-mls nor Ink, and `qpc send` no Ink or React.
 */
import { Command, Option } from '@commander-js/extra-typings';
import type { CliIo } from './io.js';
import { flagsOf, type Finish } from './commandFlags.js';
import { packageVersion } from './version.js';
import { localServerAddress } from './localServer.js';
import { addKeyLifecycleCommands } from './keyLifecycleCommands.js';
import { addAccountCommands } from './accountCommands.js';
import { addGroupCommands } from './groupCommands.js';
import { addMessageCommands } from './messageCommands.js';
import { addTrustCommands } from './trustCommands.js';
import { addKeysCommands } from './keysCommands.js';
import { addConfigCommands } from './configCommands.js';

export type { Finish } from './commandFlags.js';

const rootHelpAfter = `
With no command, in a terminal, qpc opens the full-screen client (see qpc tui --help).
Global options go before or after the command: qpc --profile DIR whoami = qpc whoami --profile DIR.

Store key: QPC_STORE_KEY (64 hex digits, raw key) if set, else the OS keychain, else a passphrase
(QPC_PASSPHRASE, or asked in a terminal).
Settings (theme, notifications, default server, time format): qpc config list.
Exit codes: 0 ok, 1 unexpected failure, 2 bad usage or input, 3 authentication (also: changed server
certificate), 4 network.`;

export function createProgram(io: CliIo, finish: Finish): Command {
  const program = new Command('qpc')
    .description('quicprochat: end-to-end encrypted group chat for the terminal')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--profile <dir>', 'profile directory (default: QPC_HOME, else $XDG_DATA_HOME/quicprochat)')
    .option('--server <host:port>', 'server address; remembered in the profile after the first use')
    .addOption(
      new Option('--no-sealed-sender', 'send with the sender known to the server (saved in the profile)'),
    )
    .addOption(new Option('--sealed-sender', 'turn sealed sending back on (the default)'))
    .addHelpText('after', rootHelpAfter)
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`qpc: ${text.replace(/^error: /u, '')}`),
    });

  program.action(async (_options, command) => {
    if (command.args.length > 0) {
      command.error(`unknown command '${command.args[0]}' (see qpc --help)`, {
        exitCode: 2,
        code: 'commander.unknownCommand',
      });
    }
    const terminal = io.stdin.isTTY === true && (io.stdout as { isTTY?: boolean }).isTTY === true;
    if (!terminal) {
      // Through a pipe there is nothing to draw on: a bare `qpc` is a request for help.
      program.outputHelp();
      return finish(0);
    }
    finish(await (await import('./commands/tui.js')).tui(flagsOf(command)));
  });

  program
    .command('tui')
    .description('the full-screen client (also: qpc with no command)')
    .addHelpText(
      'after',
      `
The first run asks for the server, creates your account and shows your 24-word recovery phrase once;
later runs unlock the profile and log in. Default server: the default from qpc config, else the local
server ${localServerAddress}, started in the background when none answers. Keys inside the client:
press ? (see docs/tui.md).`,
    )
    .action(async (_options, command) => {
      finish(await (await import('./commands/tui.js')).tui(flagsOf(command)));
    });

  addAccountCommands(program, io, finish);
  addGroupCommands(program, io, finish);
  addMessageCommands(program, io, finish);
  addTrustCommands(program, io, finish);
  addKeysCommands(program, io, finish);
  addConfigCommands(program, io, finish);
  addKeyLifecycleCommands(program, io, finish, flagsOf);
  // Only the root takes extra words, to report an unknown command itself (set last: subcommands copy
  // the root's settings when they are created, and must refuse extra arguments).
  program.allowExcessArguments(true);
  // The root has an action (the full-screen client), so commander would not add `qpc help CMD` itself.
  program.helpCommand(true);
  return program;
}
