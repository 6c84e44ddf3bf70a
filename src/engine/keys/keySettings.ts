/**
 * Settings of key rotation (profile settings table) and their defaults. Durations are milliseconds; a
 * missing or unreadable value falls back to the default, 0 turns a scheduled rotation off.
 */
import { ValidationError } from '../../lib/errors.js';
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

/** The rotation schedule of a profile, in days (0: that scheduled rotation is off). */
export interface KeySchedule {
  hybridDays: number;
  hybridGraceDays: number;
  accessDays: number;
}

const SCHEDULE_KEYS = {
  hybridDays: [KeySettingKey.hybridMaxAgeMs, DEFAULT_HYBRID_MAX_AGE_MS],
  hybridGraceDays: [KeySettingKey.hybridGraceMs, DEFAULT_HYBRID_GRACE_MS],
  accessDays: [KeySettingKey.accessKeyMaxAgeMs, DEFAULT_ACCESS_KEY_MAX_AGE_MS],
} as const;

export function readKeySchedule(settings: SettingsRepository): KeySchedule {
  const days = (name: keyof KeySchedule): number => {
    const [key, fallback] = SCHEDULE_KEYS[name];
    return durationSetting(settings, key, fallback) / DAY_MS;
  };
  return {
    hybridDays: days('hybridDays'),
    hybridGraceDays: days('hybridGraceDays'),
    accessDays: days('accessDays'),
  };
}

/** Sets the given parts of the schedule; a value must be a whole number of days from 0 to 3650. */
export function writeKeySchedule(settings: SettingsRepository, change: Partial<KeySchedule>): KeySchedule {
  for (const [name, value] of Object.entries(change) as [keyof KeySchedule, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0 || value > 3650) {
      throw new ValidationError(
        KeyScheduleErrorCode.badDays,
        `${name} must be a whole number of days from 0 to 3650, not ${String(value)}`,
        { hint: '0 turns that scheduled rotation off' },
      );
    }
  }
  for (const [name, value] of Object.entries(change) as [keyof KeySchedule, number | undefined][]) {
    if (value !== undefined) settings.set(SCHEDULE_KEYS[name][0], String(value * DAY_MS));
  }
  return readKeySchedule(settings);
}

export const KeyScheduleErrorCode = { badDays: 'KEYS_BAD_SCHEDULE' } as const;
