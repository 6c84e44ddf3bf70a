import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsErrorCode, UserSettingsFile, loadUserSettings } from './userSettings.js';

describe('autoLockMinutes', () => {
  const dirs: string[] = [];
  const settingsDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'qpc-settings-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('takes "off" as 0 and stores the number', () => {
    const dir = settingsDir();
    const file = new UserSettingsFile(dir);
    expect(file.set('autoLockMinutes', 'off')).toBe(0);
    expect(loadUserSettings(dir).autoLockMinutes).toBe(0);
    expect(file.set('autoLockMinutes', 'OFF')).toBe(0);
    expect(file.set('autoLockMinutes', '30')).toBe(30);
    expect(loadUserSettings(dir).autoLockMinutes).toBe(30);
  });

  it('reads "off" written by hand in the file', () => {
    const dir = settingsDir();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ autoLockMinutes: 'off' }));
    expect(loadUserSettings(dir).autoLockMinutes).toBe(0);
  });

  it('still refuses other words and numbers out of range, and defaults to 15', () => {
    const dir = settingsDir();
    const file = new UserSettingsFile(dir);
    expect(loadUserSettings(dir).autoLockMinutes).toBe(15);
    for (const value of ['never', 'of', '-1', '1441', '2.5']) {
      expect(() => file.set('autoLockMinutes', value)).toThrow(
        expect.objectContaining({ code: SettingsErrorCode.badValue }),
      );
    }
  });
});
