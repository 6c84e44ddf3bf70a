/** The config file's theme, timeFormat and notifications, as the screens apply them. */
import { afterEach, describe, expect, it, vi } from 'vitest';

// Colour must be possible in this process for "no colour" to mean anything: force it before Ink's
// chalk loads.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
  process.env['TZ'] = 'UTC';
});

import { cleanup } from 'ink-testing-library';
import { createTheme, resolveThemeName, themeNames } from './components/theme.js';
import { desktopNotifyMode, notifyModeFrom } from './notify.js';
import { formatTime, messageHeader } from './state/messageWindow.js';
import { FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { renderApp } from './testing/renderApp.js';
import { waitForText } from './testing/waitForFrame.js';
import { userSettingsSchema } from '../engine/settings/userSettings.js';

afterEach(() => cleanup());

// eslint-disable-next-line no-control-regex -- ESC starts the sequences under test
const colourCode = /\x1b\[(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]/u;
// eslint-disable-next-line no-control-regex -- ESC starts the sequences under test
const brightCode = /\x1b\[9[0-7]m/u;
// eslint-disable-next-line no-control-regex -- gray is bright black
const grayCode = /\x1b\[90m/u;

/** 14:05 UTC on 1 December 2026, and 00:07 the same day. */
const afternoon = Date.UTC(2026, 11, 1, 14, 5);
const midnight = Date.UTC(2026, 11, 1, 0, 7);

function engine(): FakeEngine {
  const fake = new FakeEngine();
  fake.groups = [makeGroup('general', { name: 'general' })];
  fake.messages.set('general', [
    makeMessage('general', 0, { sentAt: afternoon, text: 'after lunch' }),
    makeMessage('general', 1, { sentAt: afternoon + 60_000, decryptFailed: true }),
  ]);
  return fake;
}

describe('theme', () => {
  it('is a choice of the settings file, and every choice has a palette', () => {
    for (const name of themeNames) expect(userSettingsSchema.shape.theme.safeParse(name).success).toBe(true);
    for (const name of ['dark', 'light', 'high-contrast'] as const) {
      const theme = createTheme(false, name);
      expect(theme.noColor).toBe(false);
      expect([theme.accent, theme.muted, theme.danger, theme.focusBorder].every((c) => c !== undefined)).toBe(
        true,
      );
    }
    expect(createTheme(false, 'mono')).toEqual(createTheme(true, 'dark'));
    expect(createTheme(true, 'high-contrast').accent).toBeUndefined();
  });

  it('auto follows the background the terminal announces (COLORFGBG)', () => {
    expect(resolveThemeName('auto', {})).toBe('dark');
    expect(resolveThemeName('auto', { COLORFGBG: '15;0' })).toBe('dark');
    expect(resolveThemeName('auto', { COLORFGBG: '0;15' })).toBe('light');
    expect(resolveThemeName('auto', { COLORFGBG: '0;default;7' })).toBe('light');
    expect(resolveThemeName('mono', { COLORFGBG: '0;15' })).toBe('mono');
  });

  it('mono draws no colour, keeping the text markers', async () => {
    const app = await renderApp(engine(), { noColor: false, theme: 'mono' });
    const frame = await waitForText(app, 'could not decrypt');
    expect(frame).not.toMatch(colourCode);
    expect(frame).toContain('⚠ could not decrypt');
    expect(frame).toContain('[PQ]');
  });

  it('high-contrast draws bright colours and no gray; the default draws gray', async () => {
    const bright = await renderApp(engine(), { noColor: false, theme: 'high-contrast' });
    const brightFrame = await waitForText(bright, 'could not decrypt');
    expect(brightFrame).toMatch(brightCode);
    expect(brightFrame).not.toMatch(grayCode);
    cleanup();
    const plain = await renderApp(engine(), { noColor: false, theme: 'dark' });
    expect(await waitForText(plain, 'could not decrypt')).toMatch(grayCode);
  });
});

describe('timeFormat', () => {
  it('writes 24-hour or 12-hour clock times', () => {
    expect(formatTime(afternoon)).toBe('14:05');
    expect(formatTime(afternoon, '12h')).toBe('2:05 PM');
    expect(formatTime(midnight, '24h')).toBe('00:07');
    expect(formatTime(midnight, '12h')).toBe('12:07 AM');
    expect(formatTime(Date.UTC(2026, 11, 1, 12, 0), '12h')).toBe('12:00 PM');
    const message = makeMessage('general', 0, { sentAt: afternoon });
    expect(messageHeader(message, '12h').startsWith('2:05 PM ')).toBe(true);
  });

  it('the message pane shows the chosen format, and the frame still fits', async () => {
    const twelve = await renderApp(engine(), { timeFormat: '12h', ready: 'after lunch' });
    const frame = twelve.lastFrame() ?? '';
    expect(frame).toContain('2:05 PM');
    expect(frame).not.toContain('14:05');
    cleanup();
    const twentyFour = await renderApp(engine(), { ready: 'after lunch' });
    expect(twentyFour.lastFrame()).toContain('14:05');
  });
});

describe('notifications', () => {
  it('the setting chooses off, bell or desktop; QPC_NOTIFY still wins', () => {
    expect(notifyModeFrom({}, false, 'off')).toBe('off');
    expect(notifyModeFrom({}, true, 'bell')).toBe('bell');
    expect(notifyModeFrom({}, false, 'desktop')).toBe('osc777');
    expect(notifyModeFrom({ QPC_NOTIFY: 'off' }, false, 'desktop')).toBe('off');
    expect(notifyModeFrom({}, true)).toBe('off');
  });

  it('without a setting in the file: the bell, but nothing in NO_COLOR (minimal) mode', () => {
    // What `qpc` passes when the config file says nothing about notifications.
    const unset = userSettingsSchema.parse({}).notifications;
    expect(notifyModeFrom({}, true, unset)).toBe('off');
    expect(notifyModeFrom({}, false, unset)).toBe('bell');
    expect(notifyModeFrom({ QPC_NOTIFY: 'bell' }, true, unset)).toBe('bell');
  });

  it('desktop speaks OSC 9 to terminals that announce it, OSC 777 to the others', () => {
    expect(desktopNotifyMode({ TERM_PROGRAM: 'iTerm.app' })).toBe('osc9');
    expect(desktopNotifyMode({ WT_SESSION: 'abc' })).toBe('osc9');
    expect(desktopNotifyMode({ TERM: 'xterm-kitty' })).toBe('osc9');
    expect(desktopNotifyMode({ TERM: 'foot' })).toBe('osc777');
  });
});
