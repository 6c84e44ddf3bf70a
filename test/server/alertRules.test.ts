/** The Prometheus alert rules in deploy/prometheus pass their promtool unit tests (when promtool is installed). */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../deploy/prometheus/', import.meta.url).pathname;
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasPromtool)('deploy/prometheus rules', () => {
  it('check and pass their unit tests', () => {
    const checked = execFileSync('promtool', ['check', 'rules', 'qpc-server-storage.rules.yml'], {
      cwd: dir,
    });
    expect(checked.toString()).toContain('SUCCESS');
    const tested = execFileSync('promtool', ['test', 'rules', 'qpc-server-storage.rules.test.yml'], {
      cwd: dir,
    });
    expect(tested.toString()).toContain('SUCCESS');
  });
});
