import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../lib/errors.js';
import type { SettingsRepository } from '../store/types.js';
import {
  KeyScheduleErrorCode,
  KeySettingKey,
  durationSetting,
  instantSetting,
  readKeySchedule,
  rotationDue,
  writeKeySchedule,
} from './keySettings.js';

function memorySettings(): SettingsRepository & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    get: (key) => values.get(key),
    set: (key, value) => void values.set(key, value),
    delete: (key) => void values.delete(key),
  };
}

describe('key rotation settings', () => {
  it('reads the defaults, and what was written, in days', () => {
    const settings = memorySettings();
    expect(readKeySchedule(settings)).toEqual({ hybridDays: 30, hybridGraceDays: 7, accessDays: 7 });
    expect(writeKeySchedule(settings, { hybridDays: 90, accessDays: 0 })).toEqual({
      hybridDays: 90,
      hybridGraceDays: 7,
      accessDays: 0,
    });
    expect(settings.values.get(KeySettingKey.hybridMaxAgeMs)).toBe(String(90 * 86_400_000));
  });

  it('refuses a bad number of days and writes nothing then', () => {
    const settings = memorySettings();
    for (const bad of [-1, 1.5, 3651, Number.NaN]) {
      let caught: unknown;
      try {
        writeKeySchedule(settings, { hybridGraceDays: 3, accessDays: bad });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ValidationError);
      expect((caught as ValidationError).code).toBe(KeyScheduleErrorCode.badDays);
    }
    expect(settings.values.size).toBe(0);
  });

  it('falls back on a damaged value, starts the clock on a missing instant, and is due only when on', () => {
    const settings = memorySettings();
    settings.set(KeySettingKey.hybridMaxAgeMs, 'soon');
    expect(durationSetting(settings, KeySettingKey.hybridMaxAgeMs, 5)).toBe(5);
    expect(instantSetting(settings, 'when', 42)).toBe(42);
    expect(settings.get('when')).toBe('42');
    expect(instantSetting(settings, 'when', 99)).toBe(42);
    expect(rotationDue(0, 10, 10)).toBe(true);
    expect(rotationDue(0, 10, 9)).toBe(false);
    expect(rotationDue(0, 0, 1e12)).toBe(false);
    expect(rotationDue(100, 10, 50)).toBe(false);
  });
});
