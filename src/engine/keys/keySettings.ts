/**
 * Settings of key rotation (profile settings table) and their defaults. Durations are milliseconds; a
 * missing or unreadable value falls back to the default, 0 turns a scheduled rotation off.
 */
import type { SettingsRepository } from '../store/types.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export const KeySettingKey = {
  /** Rotate our sealed-sender access key when it is older than this (default 7 days). */
  accessKeyMaxAgeMs: 'keys.access.max_age_ms',
  /** Rotate our hybrid key pair when it is older than this (default 30 days). */
  hybridMaxAgeMs: 'keys.hybrid.max_age_ms',
  /** Keep a replaced hybrid private key this long (default 7 days), then wipe it. */
  hybridGraceMs: 'keys.hybrid.grace_ms',
  /** When our current hybrid key pair was made (ms since the epoch). */
  hybridCreatedAt: 'keys.hybrid.created_at',
} as const;

export const DEFAULT_ACCESS_KEY_MAX_AGE_MS = 7 * DAY_MS;
export const DEFAULT_HYBRID_MAX_AGE_MS = 30 * DAY_MS;
export const DEFAULT_HYBRID_GRACE_MS = 7 * DAY_MS;

/** A non-negative integer setting, or the fallback when absent or not one. */
export function durationSetting(settings: SettingsRepository, key: string, fallback: number): number {
  const text = settings.get(key);
  if (text === undefined || !/^\d{1,15}$/u.test(text)) return fallback;
  return Number(text);
}

/**
 * An instant kept in the settings; when absent (a profile from before rotation existed) it is set to
 * `now`, so an upgrade starts the clock instead of rotating everything at once.
 */
export function instantSetting(settings: SettingsRepository, key: string, now: number): number {
  const text = settings.get(key);
  if (text !== undefined && /^\d{1,15}$/u.test(text)) return Number(text);
  settings.set(key, String(now));
  return now;
}

/** Due when a schedule is on (maxAge > 0) and the key is at least that old; a clock gone back is not due. */
export function rotationDue(createdAt: number, maxAgeMs: number, now: number): boolean {
  return maxAgeMs > 0 && now - createdAt >= maxAgeMs;
}
