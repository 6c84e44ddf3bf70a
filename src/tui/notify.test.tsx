import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { App } from './App.js';
import { notificationSequence, notifyModeFrom } from './notify.js';
import { FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { waitForFrame, waitForText } from './testing/waitForFrame.js';

afterEach(() => cleanup());

describe('notifications', () => {
  it('default to the bell, off in NO_COLOR mode, and follow QPC_NOTIFY', () => {
    expect(notifyModeFrom({}, false)).toBe('bell');
    expect(notifyModeFrom({}, true)).toBe('off');
    expect(notifyModeFrom({ QPC_NOTIFY: 'osc777' }, true)).toBe('osc777');
    expect(notifyModeFrom({ QPC_NOTIFY: 'loud' }, false)).toBe('bell');
  });

  it('name the group only, with no control characters to end the sequence early', () => {
    expect(notificationSequence('osc777', 'ops\x07\x1b]x')).toBe(
      '\x1b]777;notify;quicprochat;new message in ops  ]x\x07',
    );
    expect(notificationSequence('osc9', 'ops')).toBe('\x1b]9;quicprochat: new message in ops\x07');
    expect(notificationSequence('off', 'ops')).toBe('');
  });

  it('signal a message in a group not on screen, and not one in the open group', async () => {
    const engine = new FakeEngine();
    engine.groups = [
      makeGroup('general', { name: 'general', lastActivity: 300 }),
      makeGroup('ops', { name: 'ops', lastActivity: 100 }),
    ];
    engine.messages.set('general', []);
    const app = render(<App engine={engine} noColor notify="osc9" />);
    await waitForText(app, 'no messages yet');
    engine.emit({ type: 'messageReceived', message: makeMessage('general', 1, { text: 'seen here' }) });
    await waitForText(app, 'seen here');
    engine.emit({ type: 'messageReceived', message: makeMessage('ops', 2, { text: 'elsewhere' }) });
    await waitForFrame(app, () => app.frames.some((frame) => frame.includes('\x1b]9;')), 'the notification');
    const signals = app.frames.filter((frame) => frame.includes('\x1b]9;'));
    expect(signals).toEqual(['\x1b]9;quicprochat: new message in ops\x07']);
  });
});
