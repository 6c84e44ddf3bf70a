import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Callers log event names, codes and counts only: never a username, message text,
 * key, token or password (DESIGN.md, principle 8). The redact list is a second line of defence.
 */
export function createLogger(name: string, level = process.env.QPC_LOG_LEVEL ?? 'info'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['password', 'token', 'key', 'secret', 'username', 'text', '*.password', '*.token', '*.key'],
      censor: '[redacted]',
    },
  });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
