import { ValidationError } from '../../lib/errors.js';
import { ServerErrorCode } from '../serverErrors.js';

/**
 * Parsers for configuration values. Each takes the raw value (a string from the environment or a flag,
 * or any TOML value) and the label of its source ("QPC_LISTEN", "--listen", "listen in /x.toml"), so that
 * every error names the key a person has to fix.
 */

export interface HostPort {
  host: string;
  port: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function configError(label: string, expectation: string): ValidationError {
  return new ValidationError(ServerErrorCode.configInvalid, `${label}: ${expectation}`, {
    hint: 'See docs/server.md, "Configuration reference".',
  });
}

function asText(raw: unknown, label: string, expectation: string): string {
  if (typeof raw !== 'string') throw configError(label, expectation);
  return raw.trim();
}

/** `host:port`, with IPv6 hosts in brackets (`[::1]:7443`). Port 0 lets the system choose (tests). */
export function parseHostPort(raw: unknown, label: string): HostPort {
  const expectation = 'expected HOST:PORT (IPv6 in brackets: [::1]:7443)';
  const text = asText(raw, label, expectation);
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(text);
  if (match === null) throw configError(label, expectation);
  const host = match[1] ?? match[2] ?? '';
  const port = Number(match[3]);
  if (host === '' || port > 65535) throw configError(label, expectation);
  return { host, port };
}

export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function parsePositiveInteger(raw: unknown, label: string): number {
  const expectation = 'expected a positive integer';
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'bigint') value = Number(raw);
  else value = /^\d+$/.test(asText(raw, label, expectation)) ? Number(asText(raw, label, expectation)) : NaN;
  if (!Number.isSafeInteger(value) || value < 1) throw configError(label, expectation);
  return value;
}

/** A whole percentage from 1 to 100. */
export function parsePercent(raw: unknown, label: string): number {
  const value = parsePositiveInteger(raw, label);
  if (value > 100) throw configError(label, 'expected a percentage from 1 to 100');
  return value;
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `30d`, `12h`, `15m`, `45s`, `500ms`; a bare integer counts seconds. Returns ms. */
export function parseDurationMs(raw: unknown, label: string): number {
  const expectation = 'expected a duration such as 30d, 12h, 15m, 45s or a number of seconds';
  if (typeof raw === 'number' || typeof raw === 'bigint') {
    return parsePositiveInteger(raw, label) * 1000;
  }
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(asText(raw, label, expectation));
  if (match === null) throw configError(label, expectation);
  const amount = Number(match[1]);
  const unit = DURATION_UNITS[match[2] ?? 's'] ?? 1000;
  const ms = amount * unit;
  if (!Number.isSafeInteger(ms) || ms < 1) throw configError(label, expectation);
  return ms;
}

/** Booleans: TOML true/false, or 1/0/true/false/yes/no in text. */
export function parseBoolean(raw: unknown, label: string): boolean {
  if (typeof raw === 'boolean') return raw;
  const text = asText(raw, label, 'expected true or false (1 or 0)').toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(text)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(text)) return false;
  throw configError(label, 'expected true or false (1 or 0)');
}

export function parseLogLevel(raw: unknown, label: string): LogLevel {
  const text = asText(raw, label, `expected one of ${LOG_LEVELS.join(', ')}`).toLowerCase();
  const level = LOG_LEVELS.find((candidate) => candidate === text);
  if (level === undefined) throw configError(label, `expected one of ${LOG_LEVELS.join(', ')}`);
  return level;
}

/** The database key: exactly 32 bytes as 64 hexadecimal digits (SQLCipher raw key). */
export function parseDbKeyHex(raw: unknown, label: string): string {
  const text = asText(raw, label, 'expected 64 hexadecimal digits (a 32-byte key)');
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw configError(label, 'expected 64 hexadecimal digits (a 32-byte key)');
  }
  return text.toLowerCase();
}

export function parseNonEmptyText(raw: unknown, label: string): string {
  const text = asText(raw, label, 'expected a non-empty string');
  if (text === '') throw configError(label, 'expected a non-empty string');
  return text;
}
