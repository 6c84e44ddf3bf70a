/**
 * The multi-line composer in a real tmux across resizes: a draft typed in one burst (several keys in one
 * send-keys call) keeps every letter on screen when the window narrows to just the room its longest line
 * needs, and when it widens again. Runs the real runTui over a FakeEngine (fixtures/composerScreen.tsx).
 */
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { afterAll, describe, expect, it } from 'vitest';
import { killTmuxServer, requireTmux, TmuxTerminal } from './tmuxTerminal.js';

const fixture = fileURLToPath(new URL('./fixtures/composerScreen.tsx', import.meta.url));
const socket = `qpc-composer-${process.pid}`;
const line = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWX';

afterAll(() => killTmuxServer(socket));

/** The composer's rows (between its borders, below the panes), without the borders and the prompt. */
function composerRows(screen: string): string[] {
  const rows = screen.split('\n');
  const top = rows.findLastIndex((row) => row.startsWith('╭'));
  const bottom = rows.findLastIndex((row) => row.startsWith('╰'));
  return rows.slice(top + 1, bottom).map((row) => row.slice(3, -1).trimEnd());
}

/** A whole frame drawn at `columns`: the status bar on top, every boxed row exactly as wide. */
function wholeFrameAt(screen: string, columns: number): boolean {
  const rows = screen.split('\n');
  const boxed = rows.filter((row) => /^[│╭╰]/u.test(row));
  return (
    /online|connecting|offline/u.test(rows[0] ?? '') &&
    boxed.length > 4 &&
    boxed.every((row) => stringWidth(row) === columns) &&
    rows.some((row) => row.startsWith('Enter send'))
  );
}

describe('the composer across resizes in tmux', () => {
  it('keeps the first letter of every line when the window narrows and widens', async () => {
    requireTmux();
    const terminal = TmuxTerminal.start(
      socket,
      'composer',
      [process.execPath, '--import', 'tsx', fixture],
      { NODE_ENV: 'production' },
      { columns: 100, rows: 30 },
    );
    await terminal.waitForText('Message #general');
    terminal.press('first line', 'C-j', line);
    await terminal.waitFor((screen) => composerRows(screen).includes(line), 'the two-line draft');

    // Two borders, the prompt (two columns), the line and the cursor after it: exactly the room left.
    const columns = 2 + 2 + line.length + 1;
    terminal.resize(columns, 24);
    const narrow = await terminal.waitFor(
      (screen) => wholeFrameAt(screen, columns),
      `the frame at ${columns} columns`,
    );
    expect(composerRows(narrow)).toEqual(['first line', line]);

    terminal.resize(100, 30);
    const wide = await terminal.waitFor((screen) => wholeFrameAt(screen, 100), 'the frame at 100 columns');
    expect(composerRows(wide)).toEqual(['first line', line]);
    terminal.press('C-c');
    await terminal.waitForText('composer screen ended: quit');
  }, 120_000);
});
