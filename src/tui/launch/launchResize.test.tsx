/** The launch screens follow the terminal's size as the main screen does, here on the words screen. */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { FakeEngine } from '../testing/fakeEngine.js';
import { frameFits, resizeTerminal } from '../testing/renderApp.js';
import { waitForFrame, waitForText } from '../testing/waitForFrame.js';
import type { LaunchApi } from './launchApi.js';
import { LaunchRoot } from './LaunchRoot.js';

afterEach(() => cleanup());

const words = Array.from({ length: 24 }, (_, index) => `w${index + 1}x`);

/** Only what the words screen calls; the other calls would fail the test loudly. */
function wordsLaunch(): LaunchApi {
  const engine = new FakeEngine();
  return {
    start: () => Promise.resolve({ kind: 'recoveryWords', words }),
    open: () => engine,
  } as Partial<LaunchApi> as LaunchApi;
}

describe('launch screens on resize', () => {
  it('redraw the words screen at each new size, narrower and wider', async () => {
    const instance = render(<LaunchRoot launch={wordsLaunch()} noColor pickWord={() => 3} />);
    resizeTerminal(instance, 80, 24);
    await waitForText(instance, '24. w24x');
    await waitForFrame(instance, (frame) => frameFits(frame, 80, 24), 'an 80x24 words screen');
    for (const [columns, rows] of [
      [60, 20],
      [100, 30],
      [80, 24],
    ] as const) {
      resizeTerminal(instance, columns, rows);
      const frame = await waitForFrame(
        instance,
        (shown) => frameFits(shown, columns, rows) && shown.includes('24. w24x'),
        `a ${columns}x${rows} words screen`,
      );
      // The box's right border sits in the last column.
      expect(frame.split('\n')[0]?.length).toBe(columns);
    }
    instance.unmount();
  });
});
