import { readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { InternalError } from '../../lib/errors.js';
import { AuthErrorCode } from './authErrors.js';

/**
 * The bearer tokens a rotation left behind, in the data directory: digests only (SHA-256, hex), never
 * a token. `current` is the token issued by the last rotation; each `retired` one is still accepted
 * until its `until` (Unix ms), so bots can move to the new token without downtime.
 */
export const BEARER_TOKEN_FILE = 'auth-tokens.json';

export interface BearerTokenFile {
  version: 1;
  current: { sha256: string; since: number };
  retired: { sha256: string; until: number }[];
}

function isDigestHex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}

function parseTokenFile(value: unknown): BearerTokenFile {
  const file = value as Partial<BearerTokenFile> | null;
  const current = file?.current;
  const retired = file?.retired;
  const valid =
    file?.version === 1 &&
    isDigestHex(current?.sha256) &&
    typeof current?.since === 'number' &&
    Array.isArray(retired) &&
    retired.every((old) => isDigestHex(old.sha256) && typeof old.until === 'number');
  if (!valid) throw new TypeError('unexpected shape');
  return file as BearerTokenFile;
}

export function bearerTokenFilePath(dataDir: string): string {
  return join(dataDir, BEARER_TOKEN_FILE);
}

/** Undefined when no rotation ever ran; AUTH_TOKEN_FILE_INVALID when the file cannot be trusted. */
export function readBearerTokenFile(dataDir: string): BearerTokenFile | undefined {
  let text: string;
  try {
    text = readFileSync(bearerTokenFilePath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return parseTokenFile(JSON.parse(text));
  } catch (cause) {
    throw new InternalError(
      AuthErrorCode.TokenFileInvalid,
      `${bearerTokenFilePath(dataDir)} is not a valid bearer token file`,
      { cause, hint: 'Restore it from <data>/backups/ (auth-token-*.json) or rotate the token again.' },
    );
  }
}

/** Written beside, then renamed over, so a running server never reads half a file. Mode 0600. */
export function writeBearerTokenFile(dataDir: string, file: BearerTokenFile): void {
  const path = bearerTokenFilePath(dataDir);
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Identity of the file's current version (changes on every rewrite): the server reloads when it does. */
export function bearerTokenFileStamp(dataDir: string): string | undefined {
  try {
    const stat = statSync(bearerTokenFilePath(dataDir));
    return `${stat.ino}:${stat.mtimeMs}:${stat.size}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
