/**
 * In a real tmux (3.3a draws 👍🏽 four columns wide, where the layout counts two), emoji with skin tones
 * in messages, group names and the composer keep every row inside the terminal and the borders in
 * their columns. Runs the real runTui over a FakeEngine: the terminal is what is under test.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { afterAll, describe, expect, it } from 'vitest';
import { requireTmux, TmuxTerminal } from './tmuxTerminal.js';

const fixture = fileURLToPath(new URL('./fixtures/emojiScreen.tsx', import.meta.url));
const socket = `qpc-emoji-${process.pid}`;
const columns = 80;
const rows = 24;

afterAll(() => {
  try {
    execFileSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  } catch {
    // The server is already gone when every session ended: nothing to clean up.
  }
});

describe('emoji with skin tones in tmux', () => {
  it('keep the frame intact: every row within the width, borders in their column', async () => {
    const version = requireTmux();
    const terminal = TmuxTerminal.start(
      socket,
      'emoji',
      [process.execPath, '--import', 'tsx', fixture],
      // TMUX is set by tmux itself in the pane, as for a person running qpc there.
      { NODE_ENV: 'production' },
      { columns, rows },
    );
    // A capture can land between Ink's writes of one frame on a loaded machine: wait for a whole frame
    // (the long row drawn and the status bar in the first row). A frame the emoji pushed never gets
    // there, so this still fails on the bug.
    const screen = await terminal.waitFor(
      (text) =>
        text.includes('end of the long row') && /connecting|online|offline/u.test(text.split('\n')[0] ?? ''),
      'the whole first frame',
      60_000,
    );
    const lines = screen.split('\n').slice(0, rows);
    expect(lines.length, version).toBe(rows);
    // The status bar stays on the first row, the status line on the last.
    expect(lines[0]).toMatch(/connecting|online|offline/u);
    // Every pane row ends with its right border in the last column: nothing was pushed.
    const paneRows = lines.filter((line) => line.startsWith('│') || line.startsWith('╭'));
    expect(paneRows.length).toBeGreaterThan(10);
    for (const line of paneRows) {
      expect(stringWidth(line), line).toBe(columns);
      expect(/[│╮╯]$/u.test(line), line).toBe(true);
    }
    // The messages are there, drawn without the modifier tmux would widen.
    expect(screen).toContain('agreed 👍👍👋 see you at 9');
    expect(screen).not.toMatch(/[\u{1F3FB}-\u{1F3FF}]/u);
    // Typed into the composer as well.
    terminal.type('ok 👍🏽 then');
    const typed = await terminal.waitForText('ok 👍 then');
    for (const line of typed.split('\n').filter((row) => row.startsWith('│'))) {
      expect(stringWidth(line), line).toBe(columns);
    }
    terminal.press('C-c');
    await terminal.waitForText('emoji screen ended: quit');
  }, 120_000);
});
