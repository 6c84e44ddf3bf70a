import { ValidationError } from '../../lib/errors.js';
import { loadServerConfig } from '../../server/config/loadServerConfig.js';
import type { ServerConfig } from '../../server/config/serverConfig.js';
import { ServerErrorCode } from '../../server/serverErrors.js';

/**
 * Split a subcommand's own options (`--to FILE`, `--json`) from the server options it shares with
 * `qpc-server` itself (`--data`, `--config`, `--cert` ...), which load the same configuration the
 * server would, so a command reads the same data directory and key as the server it serves.
 */
export function splitCommandArgs(
  argv: readonly string[],
  own: Record<string, 'string' | 'boolean'>,
): { own: Map<string, string | boolean>; rest: string[] } {
  const values = new Map<string, string | boolean>();
  const rest: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    const kind = name === undefined ? undefined : own[name];
    if (match === null || name === undefined || kind === undefined) {
      rest.push(arg);
      continue;
    }
    if (kind === 'boolean') {
      values.set(name, true);
      continue;
    }
    const value = match[2] ?? argv[(index += 1)];
    if (value === undefined || value === '') {
      throw new ValidationError(ServerErrorCode.configInvalid, `--${name}: expected a value`);
    }
    values.set(name, value);
  }
  return { own: values, rest };
}

export function requiredOption(own: Map<string, string | boolean>, name: string, usage: string): string {
  const value = own.get(name);
  if (typeof value !== 'string') {
    throw new ValidationError(ServerErrorCode.configInvalid, `--${name}: required`, {
      hint: `Usage: ${usage}`,
    });
  }
  return value;
}

export function commandConfig(
  rest: readonly string[],
  normalize: (argv: readonly string[]) => string[],
): ServerConfig {
  return loadServerConfig({ argv: normalize(rest), env: process.env, cwd: process.cwd() });
}
