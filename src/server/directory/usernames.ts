import { badUsername } from '../auth/authErrors.js';

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/**
 * Usernames compare case-insensitively: "Alice" and "alice" are one account, so nobody can register a
 * look-alike that differs only in case. Only ASCII, for the same reason (no homoglyphs).
 */
export function normalizeUsername(username: string): string {
  const normalized = username.trim().toLowerCase();
  if (!USERNAME.test(normalized)) throw badUsername();
  return normalized;
}
