import { afterEach, describe, expect, it, vi } from 'vitest';

// Colour output must be possible in this process for the test to mean anything: force it before
// Ink (and its chalk) load.
vi.hoisted(() => {
  process.env['FORCE_COLOR'] = '1';
});

import { cleanup } from 'ink-testing-library';
import { noColorRequested } from './components/theme.js';
import { FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { renderApp } from './testing/renderApp.js';
import { waitForText } from './testing/waitForFrame.js';

afterEach(() => cleanup());

/** SGR foreground/background colour codes: 30-37, 38;..., 40-47, 48;..., 90-97, 100-107. */
// eslint-disable-next-line no-control-regex -- ESC starts the sequences under test
const colourCode = /\x1b\[(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]/u;

function engine(): FakeEngine {
  const fake = new FakeEngine();
  fake.groups = [makeGroup('general', { name: 'general' })];
  fake.messages.set('general', [
    makeMessage('general', 0),
    makeMessage('general', 1, { decryptFailed: true }),
  ]);
  return fake;
}

describe('NO_COLOR', () => {
  it('uses colours when NO_COLOR is not set', async () => {
    const app = await renderApp(engine(), { noColor: false });
    const frame = await waitForText(app, 'could not decrypt');
    expect(frame).toMatch(colourCode);
  });

  it('uses no colour at all when NO_COLOR is set, keeping text markers', async () => {
    const app = await renderApp(engine(), { noColor: true });
    const frame = await waitForText(app, 'could not decrypt');
    expect(frame).not.toMatch(colourCode);
    expect(frame).toContain('[PQ]');
    expect(frame).toContain('⚠ could not decrypt');
  });

  it('reads the variable as the convention says: set and not empty', () => {
    expect(noColorRequested({ NO_COLOR: '1' })).toBe(true);
    expect(noColorRequested({ NO_COLOR: '' })).toBe(false);
    expect(noColorRequested({})).toBe(false);
  });
});
