import { BACKUP_USAGE, runBackupCommand } from './backupCommand.js';
import { RESTORE_USAGE, runRestoreCommand } from './restoreCommand.js';
import { ROTATE_USAGE, runRotateCommand } from './rotateCommand.js';
import { runStatusCommand, STATUS_USAGE } from './statusCommand.js';

type Normalize = (argv: readonly string[]) => string[];

const COMMANDS: Record<
  string,
  {
    usage: string;
    summary: string;
    run: (argv: readonly string[], normalize: Normalize) => number | Promise<number>;
  }
> = {
  backup: {
    usage: BACKUP_USAGE,
    summary: 'online, encrypted (database key), checked copy of the database, mode 0600',
    run: runBackupCommand,
  },
  restore: {
    usage: RESTORE_USAGE,
    summary: 'replace the database of a stopped server with a checked backup',
    run: runRestoreCommand,
  },
  rotate: {
    usage: ROTATE_USAGE,
    summary: 'replace key material with a backup first, a check after, a log event and the metric',
    run: runRotateCommand,
  },
  status: {
    usage: STATUS_USAGE,
    summary: 'version, uptime, sessions, queues, certificate expiry, last rotations',
    run: runStatusCommand,
  },
};

export const SERVER_COMMANDS_HELP = Object.values(COMMANDS)
  .map((command) => `  ${command.usage}\n      ${command.summary}`)
  .join('\n');

/**
 * Run `qpc-server <command> ...` when argv names one; undefined means "no command: start the server".
 * Errors become one line on stderr and the server's exit codes (2: something for the operator to fix).
 */
export async function runServerCommand(
  argv: readonly string[],
  normalize: Normalize,
  describe: (error: unknown) => string,
  exitCodeFor: (error: unknown) => number,
): Promise<number | undefined> {
  const name = argv[0];
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) return undefined;
  const rest = argv.slice(1);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(rest, normalize);
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    return exitCodeFor(error);
  }
}
