import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { classicalSuite, FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { frameFits, renderApp, resizeTerminal } from './testing/renderApp.js';
import { keys, press, waitForFrame, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [
    makeGroup('ops', { name: 'ops', lastActivity: 200, unread: 3 }),
    makeGroup('general', { name: 'general', lastActivity: 300, epoch: 12n }),
    makeGroup('archive', {
      name: 'archive',
      lastActivity: 100,
      ciphersuite: classicalSuite,
      sealedSender: false,
    }),
  ];
  engine.messages.set('general', [makeMessage('general', 0), makeMessage('general', 1)]);
  engine.messages.set('ops', [makeMessage('ops', 0, { text: 'deploy at noon' })]);
  return engine;
}

const lineWith = (frame: string, text: string): string =>
  frame.split('\n').find((line) => line.includes(text)) ?? '';

describe('main screen', () => {
  it('fits 80x24 and shows groups by last activity, unread counts, the selection and the status bar', async () => {
    const app = await renderApp(seeded());
    const frame = await waitForText(app, 'message number 1');
    expect(frameFits(frame, 80, 24)).toBe(true);
    const order = ['general', 'ops', 'archive'].map((name) => frame.indexOf(`${name} `));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(lineWith(frame, 'ops')).toContain('(3)');
    expect(lineWith(frame, '│>general')).not.toBe('');
    const bar = frame.split('\n')[0] ?? '';
    for (const part of [
      '● online',
      'chat.example:7443',
      'carol',
      'epoch 12',
      '[PQ]',
      'sealed ✓',
      'MLS_256_XWING',
    ]) {
      expect(bar).toContain(part);
    }
  });

  it('shows sender, short fingerprint and time on each message', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    const frame = await waitForText(app, 'message number 1');
    const first = engine.messages.get('general')?.[0];
    expect(lineWith(frame, 'message number 0')).toContain(
      `09:00 alice ${first?.sender.fingerprint.slice(0, 4)}-`,
    );
  });

  it('marks delivery states and messages that failed to decrypt', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    engine.emit({
      type: 'messageReceived',
      message: makeMessage('general', 2, { decryptFailed: true, text: '' }),
    });
    engine.emit({
      type: 'messageSent',
      message: makeMessage('general', 3, { outgoing: true, state: 'failed', text: 'lost one' }),
    });
    const frame = await waitForText(app, 'lost one');
    expect(lineWith(frame, '⚠ could not decrypt')).toContain('alice');
    expect(lineWith(frame, 'lost one')).toContain('✗ not sent');
  });

  it('sends with Enter, shows the pending message, then its delivery', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    await press(app, 'hello there', (frame) => frame.includes('hello there'));
    let frame = await press(
      app,
      keys.enter,
      (f) => lineWith(f, 'hello there').includes('carol'),
      'the sent message',
    );
    expect(engine.callsTo('send')).toEqual([{ method: 'send', args: ['general', 'hello there'] }]);
    expect(lineWith(frame, 'hello there')).toContain('…');
    const sent = engine.messages.get('general')?.at(-1);
    engine.emit({
      type: 'deliveryStateChanged',
      groupId: 'general',
      messageId: sent?.id ?? '',
      state: 'sent',
    });
    frame = await waitForFrame(app, (f) => lineWith(f, 'hello there').includes('✓'), 'the sent mark');
    expect(frame).toContain('hello there');
  });

  it('writes a multi-line message with Alt-Enter and recalls it with Up', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    await press(app, 'line one', (f) => f.includes('line one'));
    await press(
      app,
      keys.altEnter,
      (f) =>
        lineWith(f, 'line one').startsWith('│▶ line one') &&
        f.split('\n').length === 24 &&
        f.includes('╰') &&
        f.split('│  ').length > 0,
    );
    await press(app, 'line two', (f) => f.includes('line two'));
    await press(app, keys.enter, () => engine.callsTo('send').length === 1);
    expect(engine.callsTo('send')[0]?.args).toEqual(['general', 'line one\nline two']);
    const frame = await press(
      app,
      keys.up,
      (f) => f.includes('│▶ line one') || f.includes('▶ line one'),
      'history',
    );
    expect(frame).toContain('line two');
  });

  it('moves between panes with Tab and opens another group with j, loading it and marking it read', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    await press(app, keys.tab, (f) => f.includes('▶ Groups'));
    const frame = await press(app, 'j', (f) => f.includes('deploy at noon'), 'the ops messages');
    expect(frame).toContain('# ops');
    expect(engine.callsTo('loadMessages').map((call) => call.args[0])).toEqual(['general', 'ops']);
    await waitForFrame(
      app,
      (f) => lineWith(f, '│>ops') !== '' && !lineWith(f, '│>ops').includes('(3)'),
      'the unread count cleared',
    );
    expect(engine.callsTo('markRead')).toEqual([{ method: 'markRead', args: ['ops'] }]);
    await press(app, keys.tab, (f) => f.includes('▶ # ops'));
    await press(app, keys.shiftTab, (f) => f.includes('▶ Groups'));
  });

  it('shows a classical group without the PQ badge and with sealed sender off', async () => {
    const app = await renderApp(seeded());
    await waitForText(app, 'message number 1');
    await press(app, keys.tab, (f) => f.includes('▶ Groups'));
    await press(app, 'j', (f) => f.includes('# ops'));
    const frame = await press(app, 'j', (f) => f.includes('# archive'));
    const bar = frame.split('\n')[0] ?? '';
    expect(bar).toContain('[classical]');
    expect(bar).not.toContain('[PQ]');
    expect(bar).toContain('sealed ✗');
  });

  it('follows connection changes', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    engine.emit({
      type: 'connectionChanged',
      connection: { status: 'offline', server: 'chat.example:7443', reason: 'timeout' },
    });
    const frame = await waitForText(app, '○ offline');
    expect(frame.split('\n')[0]).toContain('(timeout)');
  });

  it('resizes live', async () => {
    const app = await renderApp(seeded());
    await waitForText(app, 'message number 1');
    resizeTerminal(app, 120, 30);
    await waitForFrame(app, (f) => frameFits(f, 120, 30) && f.includes('message number 1'), 'a 120x30 frame');
    resizeTerminal(app, 30, 8);
    await waitForText(app, 'Terminal too small (30x8)');
    resizeTerminal(app, 80, 24);
    await waitForFrame(
      app,
      (f) => frameFits(f, 80, 24) && f.includes('message number 1'),
      'an 80x24 frame again',
    );
  });
});

describe('slash commands and errors', () => {
  it('shows an inline error for an unknown command and keeps the draft', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await press(app, '/bogus', (f) => f.includes('/bogus'));
    const frame = await press(app, keys.enter, (f) => f.includes('unknown command'));
    expect(frame.split('\n').at(-1)).toContain('✗ unknown command /bogus; type /help for the list');
    expect(frame).toContain('▶ /bogus');
    expect(engine.callsTo('send')).toEqual([]);
  });

  it('creates a group with /create and opens it', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await press(app, '/create team rocket', (f) => f.includes('team rocket'));
    const frame = await press(app, keys.enter, (f) => f.includes('✓ created team rocket'));
    expect(engine.callsTo('createGroup')).toEqual([{ method: 'createGroup', args: ['team rocket'] }]);
    expect(frame).toContain('# team rocket');
  });

  it.each([
    ['/invite Dave', 'invite', ['general', 'dave'], 'invited dave'],
    ['/kick bob', 'kick', ['general', 'bob'], 'removed bob'],
    ['/rotate', 'selfUpdate', ['general'], 'fresh keys in general'],
    ['/rotate-hybrid', 'rotateHybridKey', [], 'new hybrid key published'],
    ['/rotate-access', 'rotateAccessKey', [], 'new sealed-sender access key shared in every group'],
    ['/verify bob', 'markVerified', ['general', 'bob'], 'marked bob as verified'],
  ] as const)('runs %s against the engine', async (input, method, args, status) => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    await press(app, input, (f) => f.includes(input));
    await press(app, keys.enter, (f) => f.includes(`✓ ${status}`));
    expect(engine.callsTo(method)).toEqual([{ method, args }]);
  });

  it('leaves a group with /leave and selects the next one', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    await press(app, '/leave', (f) => f.includes('/leave'));
    const frame = await press(app, keys.enter, (f) => f.includes('✓ you left general'));
    expect(frame).toContain('# ops');
  });

  it('shows an engine rejection with its code', async () => {
    const engine = seeded();
    engine.failNext('send', 'NOT_A_MEMBER', 'you are no longer in this group');
    const app = await renderApp(engine);
    await waitForText(app, 'message number 1');
    await press(app, 'hi', (f) => f.includes('▶ hi'));
    await press(app, keys.enter, (f) => f.includes('✗ you are no longer in this group (NOT_A_MEMBER)'));
  });

  it('says what to do when no group exists yet', async () => {
    const engine = new FakeEngine();
    const app = await renderApp(engine);
    await waitForText(app, 'none yet: Ctrl-N');
    await press(app, 'hello', (f) => f.includes('hello'));
    await press(app, keys.enter, (f) =>
      f.includes('✗ no group selected: create one with Ctrl-N or /create NAME'),
    );
    expect(engine.callsTo('send')).toEqual([]);
  });
});
