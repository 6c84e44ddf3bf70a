import { BACKUP_USAGE, runBackupCommand } from './backupCommand.js';
import { RESTORE_USAGE, runRestoreCommand } from './restoreCommand.js';
import { ROTATE_USAGE, runRotateCommand } from './rotateCommand.js';
import { runStatusCommand, STATUS_USAGE } from './statusCommand.js';

export type Normalize = (argv: readonly string[]) => string[];

/** The operator's commands, each with its usage line, its summary and what runs it. */
export const SERVER_COMMANDS: Record<
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

export const SERVER_COMMANDS_HELP = Object.values(SERVER_COMMANDS)
  .map((command) => `  ${command.usage}\n      ${command.summary}`)
  .join('\n');
