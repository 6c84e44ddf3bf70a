/**
 * `qpc-server`'s command line on commander, as `qpc`'s (program.ts): help generated from one
 * definition, `--version`, a usage error (exit 2) for an unknown command, and `--help` that never acts.
 * Starting the server stays the command-less default. The server's own options are declared here for
 * the help only: the arguments go as typed to the configuration loader, which merges them with the
 * file and the environment and reports an unknown flag as CONFIG_INVALID (exit 2). A command gets the
 * server options typed before it and everything after it, so `--data DIR` works on either side.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { SETTINGS } from '../server/config/serverConfig.js';
import { SERVER_COMMANDS, SERVER_COMMANDS_HELP, type Normalize } from './serverCommands/dispatch.js';
import { packageVersion } from './version.js';

export interface ServerProgramHooks {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Starts the server with the arguments as typed; resolves with the exit code once it stops. */
  readonly start: (argv: readonly string[]) => Promise<number>;
  readonly normalize: Normalize;
  readonly describe: (error: unknown) => string;
  readonly exitCodeFor: (error: unknown) => number;
  /** Receives the exit code of whatever ran. */
  readonly finish: (code: number) => void;
}

const helpAfter = `
Commands in full (docs/operations.md):
${SERVER_COMMANDS_HELP}

Secrets come from the environment or the TOML file only: QPC_DB_KEY, QPC_AUTH_TOKEN, QPC_ADMIN_TOKEN.
Logs are JSON lines (pino) on stdout; one has "msg":"listening" with port, adminPort and certSha256.
SIGTERM or SIGINT drains requests in flight and closes the database; SIGHUP (or POST /reload on the
admin listener, with QPC_ADMIN_TOKEN) reloads the certificates.
Exit codes: 0 stopped cleanly, 1 unexpected failure, 2 bad usage, configuration or certificate.`;

export function createServerProgram(argv: readonly string[], hooks: ServerProgramHooks): Command {
  const program = new Command('qpc-server')
    .description('The quicprochat server: stores and forwards end-to-end encrypted messages over QUIC.')
    .usage('[options]\n       qpc-server <command> [options]')
    .version(`qpc-server ${packageVersion()}`, '-v, --version', 'show the version')
    .helpOption('-h, --help', 'show this help')
    .option('--data <dir>', 'data directory (same as --data-dir)')
    .option('--config <file>', 'read this qpc-server.toml instead of <data dir>/qpc-server.toml');
  for (const spec of SETTINGS) {
    if (spec.flag === undefined) continue;
    const flag = spec.booleanFlag === true ? `--${spec.flag}` : `--${spec.flag} <value>`;
    program.addOption(new Option(flag, `${spec.description} (${spec.env})`));
  }
  program
    // Options after a command's name belong to the command (its own and the server's).
    .enablePositionalOptions()
    // The configuration loader checks the flags, with the file and environment in view.
    .allowUnknownOption()
    .allowExcessArguments()
    .addHelpText('after', helpAfter)
    .configureHelp({ sortSubcommands: false })
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => hooks.stdout.write(text),
      writeErr: (text) => hooks.stderr.write(text),
      outputError: (text, write) => write(`qpc-server: ${text.replace(/^error: /u, '')}`),
    });

  program.action(async (_options, command) => {
    const operand = command.args.find((arg) => !arg.startsWith('-'));
    // An operand before any option is a mistyped command; after an option it may be that option's value.
    if (operand !== undefined && operand === argv[0]) {
      command.error(`unknown command '${operand}' (see qpc-server --help)`, {
        exitCode: 2,
        code: 'commander.unknownCommand',
      });
    }
    hooks.finish(await hooks.start(argv));
  });

  for (const [name, spec] of Object.entries(SERVER_COMMANDS)) {
    program
      .command(name)
      .description(spec.summary)
      .usage(spec.usage.replace(/^qpc-server \S+ ?/u, ''))
      .helpOption('-h, --help', 'show this help')
      .allowUnknownOption()
      .allowExcessArguments()
      .addHelpText('after', `\nUsage in full: ${spec.usage}`)
      .action(async (_options, command) => {
        const before = argv.slice(0, Math.max(0, argv.indexOf(name)));
        try {
          hooks.finish(await spec.run([...before, ...command.args], hooks.normalize));
        } catch (error) {
          hooks.stderr.write(`${hooks.describe(error)}\n`);
          hooks.finish(hooks.exitCodeFor(error));
        }
      });
  }
  return program;
}
