import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { FakeEngine, makeGroup, makeMessage } from '../testing/fakeEngine.js';
import { renderApp } from '../testing/renderApp.js';
import { keys, press, waitForText } from '../testing/waitForFrame.js';
import { MessageList } from './MessageList.js';
import { messagePageSize } from '../tuiController.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

const tenThousand = Array.from({ length: 10_000 }, (_, index) => makeMessage('big', index));
const shownNumbers = (frame: string): number[] =>
  [...frame.matchAll(/message number (\d+)/gu)].map((match) => Number(match[1]));

describe('MessageList membership entries', () => {
  it('draws a join or kick as a marked line without a sender or fingerprint', () => {
    const entry = makeMessage('g', 1, {
      text: 'alice removed carol',
      sender: { username: 'alice', fingerprint: 'ff'.repeat(32) },
      membership: { event: 'removed', actor: 'alice', subjects: ['carol'] },
    });
    const chat = makeMessage('g', 2, { text: 'still here' });
    const app = render(
      <MessageList
        group={makeGroup('g')}
        messages={[entry, chat]}
        loading={false}
        offsetFromBottom={0}
        rowsBelow={0}
        unreadFrom={undefined}
        focused={false}
        rows={4}
        width={58}
      />,
    );
    const frame = app.lastFrame() ?? '';
    expect(frame).toMatch(/\d\d:\d\d \* alice removed carol/u);
    expect(frame).not.toContain('alice ffff');
    expect(frame).toContain('still here');
  });
});

describe('MessageList with 10,000 messages', () => {
  it('renders only the rows that fit in the viewport', () => {
    const app = render(
      <MessageList
        group={makeGroup('big')}
        messages={tenThousand}
        loading={false}
        offsetFromBottom={0}
        rowsBelow={0}
        unreadFrom={undefined}
        focused={false}
        rows={16}
        width={58}
      />,
    );
    const frame = app.lastFrame() ?? '';
    expect(shownNumbers(frame)).toEqual(Array.from({ length: 16 }, (_, index) => 9984 + index));
    // Border (2) + title (1) + 16 rows.
    expect(frame.split('\n')).toHaveLength(19);
  });

  it('renders the window at an offset', () => {
    const app = render(
      <MessageList
        group={makeGroup('big')}
        messages={tenThousand}
        loading={false}
        offsetFromBottom={5000}
        rowsBelow={0}
        unreadFrom={undefined}
        focused
        rows={4}
        width={58}
      />,
    );
    const frame = app.lastFrame() ?? '';
    expect(shownNumbers(frame)).toEqual([4996, 4997, 4998, 4999]);
    expect(frame).toContain('5000 newer below');
  });

  it('scrolls a 10,000-message group in the App with PgUp and PgDn', async () => {
    const engine = new FakeEngine();
    engine.groups = [makeGroup('big', { name: 'big' })];
    engine.messages.set('big', tenThousand);
    // Hand the whole history over in one page, to hold all 10,000 in the TUI state.
    const loadAll = engine.loadMessages.bind(engine);
    engine.loadMessages = (groupId, options) => loadAll(groupId, { ...options, limit: 10_000 });
    const app = await renderApp(engine);
    let frame = await waitForText(app, 'message number 9999');
    expect(shownNumbers(frame)).toEqual(Array.from({ length: 16 }, (_, index) => 9984 + index));
    frame = await press(app, keys.pageUp, (f) => !f.includes('message number 9999'));
    expect(shownNumbers(frame)).toEqual(Array.from({ length: 16 }, (_, index) => 9969 + index));
    frame = await press(app, keys.pageDown, (f) => f.includes('message number 9999'));
    expect(shownNumbers(frame)).toHaveLength(16);
  });

  it('loads what the pane shows plus a margin, and the page before a pane ahead of the top', async () => {
    const engine = new FakeEngine();
    engine.groups = [makeGroup('big', { name: 'big' })];
    engine.messages.set('big', tenThousand);
    const app = await renderApp(engine);
    await waitForText(app, 'message number 9999');
    const pageSize = messagePageSize(24);
    expect(engine.callsTo('loadMessages')[0]?.args).toEqual(['big', { limit: pageSize }]);
    const firstLoaded = 10_000 - pageSize;
    await press(app, keys.tab, (f) => f.includes('▶ Groups'));
    await press(app, keys.tab, (f) => f.includes('▶ # big'));
    let presses = 0;
    while (engine.callsTo('loadMessages').length < 2 && presses < 20) {
      const before = Math.min(...shownNumbers(app.lastFrame() ?? ''));
      await press(app, keys.pageUp, (f) => Math.min(...shownNumbers(f)) < before, 'an older page');
      presses += 1;
    }
    // Asked for while a pane of loaded messages was still above: the top was never reached.
    expect(Math.min(...shownNumbers(app.lastFrame() ?? ''))).toBeGreaterThan(firstLoaded);
    expect(presses).toBeLessThan(pageSize / 15);
    expect(engine.callsTo('loadMessages')[1]?.args).toEqual([
      'big',
      { before: `big-m${firstLoaded}`, limit: pageSize },
    ]);
    // PgUp goes on into the older page.
    while (Math.min(...shownNumbers(app.lastFrame() ?? '')) >= firstLoaded && presses < 20) {
      const before = Math.min(...shownNumbers(app.lastFrame() ?? ''));
      await press(app, keys.pageUp, (f) => Math.min(...shownNumbers(f)) < before, 'an older page');
      presses += 1;
    }
    expect(Math.min(...shownNumbers(app.lastFrame() ?? ''))).toBeLessThan(firstLoaded);
  });

  it('brings every unread message with the first page, so u lands on the first of them', async () => {
    const engine = new FakeEngine();
    engine.groups = [makeGroup('big', { name: 'big', unread: 300 })];
    engine.messages.set('big', tenThousand);
    const app = await renderApp(engine);
    await waitForText(app, 'message number 9999');
    expect(engine.callsTo('loadMessages')[0]?.args).toEqual(['big', { limit: messagePageSize(24) + 300 }]);
    await press(app, keys.tab, (f) => f.includes('▶ Groups'));
    await press(app, keys.tab, (f) => f.includes('▶ # big'));
    const frame = await press(app, 'u', (f) => f.includes('new messages'));
    const lines = frame.split('\n');
    const marker = lines.findIndex((line) => line.includes('new messages'));
    expect(lines[marker + 1]).toContain('message number 9700');
  });
});
