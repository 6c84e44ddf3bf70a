import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Callers log event names, codes and counts only: never a username, message text,
 * key, token or password (docs/threat-model.md). The redact list is a second line of defence.
 */
export function createLogger(
  name: string,
  level = process.env.QPC_LOG_LEVEL ?? 'info',
  /** Default stdout; `qpc` logs to stderr (its stdout is for results) or to a file (the TUI). */
  destination?: DestinationStream,
): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['password', 'token', 'key', 'secret', 'username', 'text', '*.password', '*.token', '*.key'],
      censor: '[redacted]',
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

/** A log file (appended, mode 0600 when created) as a pino destination. */
export function logFileDestination(file: string): DestinationStream {
  return pino.destination({ dest: file, append: true, mkdir: true, mode: 0o600, sync: false });
}

/** stderr as a pino destination (written synchronously, so a failing command's last lines are kept). */
export function stderrDestination(): DestinationStream {
  return pino.destination({ dest: 2, sync: true });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
