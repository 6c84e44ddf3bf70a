/**
 * Emoji (with skin tones), CJK and combining marks keep the frame whole: every line of the frame is
 * at most the terminal's width in columns (measured with string-width, as a terminal counts), and the
 * status bar stays on the first line and the status line on the last. Counting code points (the old
 * wrapping) let a row of wide characters run past the border and push the status bar off screen.
 */
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { frameFits, renderApp } from './testing/renderApp.js';
import { waitForFrame, waitForText } from './testing/waitForFrame.js';
import { messageTextRows } from './state/messageWindow.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

// eslint-disable-next-line no-control-regex -- SGR sequences are what is being removed
const plain = (frame: string): string => frame.replace(/\x1b\[[0-9;]*m/gu, '');

const fitsByColumns = frameFits;

const wide = [
  '👍🏽👍🏽👍🏽 thumbs with a skin tone, many of them: ' + '👍🏽'.repeat(40),
  '漢字のメッセージはふつうの文字の二倍の幅を取ります。'.repeat(3),
  'e\u0301e\u0301e\u0301 combining accents stay one column each ' + 'a\u0301'.repeat(50),
  '👨‍👩‍👧 family emoji and 🇫🇷 flags ' + '🇫🇷'.repeat(30),
];

describe('wide and combining characters', () => {
  it('wraps message rows by terminal column', () => {
    for (const text of wide) {
      const message = makeMessage('g', 0, { text });
      for (const row of messageTextRows(message, 40).slice(1))
        expect(stringWidth(row)).toBeLessThanOrEqual(38);
    }
  });

  it('keeps the 80x24 frame whole with wide messages and a wide draft', async () => {
    const engine = new FakeEngine();
    engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
    engine.messages.set(
      'general',
      wide.map((text, index) => makeMessage('general', index, { text })),
    );
    const app = await renderApp(engine, { ready: 'family emoji' });
    const frame = await waitForText(app, 'family emoji');
    expect(fitsByColumns(frame, 80, 24)).toBe(true);
    expect(plain(frame).split('\n')[0]).toContain('● online');
    app.stdin.write('👍🏽'.repeat(50) + '漢字'.repeat(20));
    const typed = await waitForFrame(app, (f) => plain(f).includes('漢字漢字'), 'the wide draft');
    expect(fitsByColumns(typed, 80, 24)).toBe(true);
    expect(plain(typed).split('\n').at(-1)).toContain('Enter send');
    // Backspace removes a whole skin-toned emoji, never half of it.
    app.stdin.write('\x7f'.repeat(40));
    const composer = (f: string): string =>
      plain(f)
        .split('\n')
        .find((line) => line.includes('▶ ')) ?? '';
    const erased = await waitForFrame(app, (f) => !composer(f).includes('漢'), 'the CJK erased');
    // Every thumb still has its skin tone: no modifier was cut off its emoji.
    expect(composer(erased).match(/👍/gu)?.length).toBe(composer(erased).match(/🏽/gu)?.length);
    expect(fitsByColumns(erased, 80, 24)).toBe(true);
  });
});
