/** docs/operations.md and the mdBook table of contents stay true to the commands, alerts and pages. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKUP_USAGE } from '../../src/cli/serverCommands/backupCommand.js';
import { RESTORE_USAGE } from '../../src/cli/serverCommands/restoreCommand.js';
import { ROTATE_USAGE } from '../../src/cli/serverCommands/rotateCommand.js';
import { STATUS_USAGE } from '../../src/cli/serverCommands/statusCommand.js';
import { ROTATION_MATERIALS } from '../../src/server/metrics/operationsMetrics.js';
import { OpsErrorCode } from '../../src/server/ops/opsErrors.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

describe('docs/operations.md', () => {
  const text = read('docs/operations.md');

  it('shows each command as qpc-server --help does, and every error code of the commands', () => {
    for (const usage of [BACKUP_USAGE, RESTORE_USAGE, STATUS_USAGE, ROTATE_USAGE])
      expect(text).toContain(usage);
    for (const code of Object.values(OpsErrorCode)) expect(text).toContain(`\`${code}\``);
  });

  it('explains every alert, and has a section for every rotation', () => {
    const alerts = [...read('deploy/prometheus/alerts.yml').matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    for (const alert of alerts) expect(text).toContain(`\`${alert}\``);
    for (const material of ROTATION_MATERIALS) expect(text).toContain(`### ${material}\n`);
  });
});

describe('mdBook layout', () => {
  it('book.toml renders docs/, and SUMMARY.md lists every page, each of which exists', () => {
    expect(read('book.toml')).toMatch(/^src = "docs"$/m);
    const summary = read('docs/SUMMARY.md');
    const linked = [...summary.matchAll(/\]\(([^)]+\.md)\)/g)].map((m) => m[1]);
    const pages = readdirSync(join(root, 'docs')).filter(
      (name) => name.endsWith('.md') && name !== 'SUMMARY.md',
    );
    expect([...linked].sort()).toEqual([...pages].sort());
  });
});
