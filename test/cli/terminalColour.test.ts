/**
 * The full-screen client draws in colour in a real terminal even when CI is set in the environment
 * (chalk takes any CI value, CI=false included, as "no colour"): qpc unsets CI for a terminal on both
 * ends, and Ink still draws live frames.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QPC_BIN, TEST_STORE_KEY, removeDir, tempDir } from '../e2e/harness.js';
import { killTmuxServer, requireTmux, TmuxTerminal } from '../tui-e2e/tmuxTerminal.js';

const socket = `qpc-colour-${process.pid}`;
const dirs: string[] = [];

afterAll(() => {
  killTmuxServer(socket);
  for (const dir of dirs) removeDir(dir);
});

describe('colour in a real terminal', () => {
  it.each(['true', 'false'])('draws bold and colour with CI=%s', { timeout: 120_000 }, async (ci) => {
    requireTmux();
    const home = tempDir('colour');
    dirs.push(home);
    const name = `ci-${ci}`;
    const terminal = TmuxTerminal.start(
      socket,
      name,
      [process.execPath, QPC_BIN, '--profile', join(home, 'profile')],
      { CI: ci, QPC_STORE_KEY: TEST_STORE_KEY, XDG_CONFIG_HOME: home, TERM: 'xterm-256color' },
    );
    await terminal.waitForText('first run');
    const escaped = execFileSync('tmux', ['-L', socket, 'capture-pane', '-e', '-p', '-t', name], {
      encoding: 'utf8',
    });
    // The title is bold and cyan: SGR 1 and 36.
    expect(escaped).toContain('\u001b[1m');
    expect(escaped).toContain('\u001b[36m');
    terminal.press('C-c');
  });
});
