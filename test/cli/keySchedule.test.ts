/** `qpc keys schedule` through the real bin, on a real (SQLCipher) profile. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProfile } from '../../src/engine/client/profile.js';
import { removeDir, runQpc, tempDir, TEST_STORE_KEY } from '../e2e/harness.js';

describe('qpc keys schedule', () => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('schedule');
    const store = await openProfile({ dir, create: true, env: { QPC_STORE_KEY: TEST_STORE_KEY } });
    store.close();
  });

  afterAll(() => removeDir(dir));

  it('shows the defaults, changes one part and keeps it', async () => {
    const shown = await runQpc(['keys', 'schedule', '--json', '--profile', dir]);
    expect(shown.stderr).toBe('');
    expect(JSON.parse(shown.stdout)).toEqual({ hybridDays: 30, hybridGraceDays: 7, accessDays: 7 });
    const changed = await runQpc(['keys', 'schedule', '--hybrid-days', '90', '--json', '--profile', dir]);
    expect(changed.code).toBe(0);
    expect(JSON.parse(changed.stdout)).toMatchObject({ hybridDays: 90 });
    const again = await runQpc(['keys', 'schedule', '--profile', dir]);
    expect(again.stdout).toContain('every 90 days');
  });

  it('refuses a value that is not a whole number of days, with exit 2', async () => {
    for (const bad of ['x', '-1', '1.5', '99999']) {
      const run = await runQpc(['keys', 'schedule', '--access-days', bad, '--profile', dir]);
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toMatch(/days/);
    }
  });
});
