/** The Prometheus alert rules in deploy/prometheus pass their promtool unit tests (when promtool is installed). */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../deploy/prometheus/', import.meta.url).pathname;
const hasPromtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;

describe.runIf(hasPromtool)('deploy/prometheus rules', () => {
  // Both rule files: the storage rules and the operations alerts (docs/operations.md, Monitoring).
  it.each([
    ['qpc-server-storage.rules.yml', 'qpc-server-storage.rules.test.yml'],
    ['alerts.yml', 'alerts.test.yml'],
  ])('%s checks and passes its unit tests', (rules, tests) => {
    const checked = execFileSync('promtool', ['check', 'rules', rules], { cwd: dir });
    expect(checked.toString()).toContain('SUCCESS');
    const tested = execFileSync('promtool', ['test', 'rules', tests], { cwd: dir });
    expect(tested.toString()).toContain('SUCCESS');
  });
});
