/**
 * Key input through the real Ink stdin path: each test writes one chunk, as a terminal, tmux or a
 * slow link delivers a burst, and checks every key in it was kept. On Ink's useInput these failed:
 * a burst arrived as one key (three DELs deleted nothing, a pasted block was sent line by line).
 */
import { render } from 'ink-testing-library';
import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeEngine, makeGroup } from './testing/fakeEngine.js';
import { renderApp } from './testing/renderApp.js';
import { waitForFrame, waitForText } from './testing/waitForFrame.js';
import type { LaunchApi, LaunchNeed } from './launch/launchApi.js';
import { LaunchRoot } from './launch/LaunchRoot.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function withGroup(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set('general', []);
  return engine;
}

const composerLine = (frame: string): string => frame.split('\n').find((line) => line.includes('▶ ')) ?? '';

describe('key input in the main screen', () => {
  it('deletes three characters for "\\x7f\\x7f\\x7f" in one read', async () => {
    const engine = withGroup();
    const app = await renderApp(engine, { ready: 'no messages yet' });
    app.stdin.write('abcdef');
    await waitForFrame(app, (frame) => composerLine(frame).includes('abcdef'), 'abcdef typed');
    app.stdin.write('\x7f\x7f\x7f');
    await waitForFrame(app, (frame) => !composerLine(frame).includes('abcd'), 'three deleted');
    expect(composerLine(app.lastFrame() ?? '')).toMatch(/▶ abc /u);
  });

  it('sends hello for "hello\\r" in one read', async () => {
    const engine = withGroup();
    const app = await renderApp(engine, { ready: 'no messages yet' });
    app.stdin.write('hello\r');
    await waitForFrame(app, () => engine.callsTo('send').length === 1, 'hello sent');
    expect(engine.callsTo('send')[0]?.args).toEqual(['general', 'hello']);
  });

  it('sends a bracketed paste of several lines as one message, and only on Enter', async () => {
    const engine = withGroup();
    const app = await renderApp(engine, { ready: 'no messages yet' });
    const pasted =
      'first line of a long paste that wraps past the width of the composer box\r\nsecond\nthird';
    app.stdin.write(`\x1b[200~${pasted}\x1b[201~`);
    await waitForText(app, 'third');
    expect(engine.callsTo('send')).toEqual([]);
    app.stdin.write('\r');
    await waitForFrame(app, () => engine.callsTo('send').length === 1, 'the paste sent');
    expect(engine.callsTo('send')).toEqual([
      {
        method: 'send',
        args: ['general', pasted.replace('\r\n', '\n')],
      },
    ]);
  });

  it('edits with readline keys in one burst', async () => {
    const engine = withGroup();
    const app = await renderApp(engine, { ready: 'no messages yet' });
    app.stdin.write('keep these words\x17\x17\x01>\x05!\r');
    await waitForFrame(app, () => engine.callsTo('send').length === 1, 'edited text sent');
    expect(engine.callsTo('send')[0]?.args).toEqual(['general', '>keep !']);
  });

  it('moves a paste made while browsing into the composer instead of running keys', async () => {
    const engine = withGroup();
    const app = await renderApp(engine, { ready: 'no messages yet' });
    app.stdin.write('\t');
    await waitForText(app, '▶ Groups');
    // "q" would quit and "m" open the members if they were read as keys.
    app.stdin.write('\x1b[200~qm\x1b[201~');
    await waitForFrame(app, (frame) => composerLine(frame).includes('qm'), 'the paste in the composer');
    expect(engine.callsTo('outboxSize')).toEqual([]);
  });
});

class OneQuestion implements LaunchApi {
  readonly unlocked: string[] = [];
  readonly engine = new FakeEngine();
  start(): Promise<LaunchNeed> {
    return Promise.resolve({ kind: 'passphrase', creating: false });
  }
  unlock(passphrase: string): Promise<LaunchNeed> {
    this.unlocked.push(passphrase);
    return Promise.resolve({ kind: 'ready' });
  }
  register(): Promise<string[]> {
    return Promise.reject(new Error('not asked'));
  }
  login(): Promise<void> {
    return Promise.reject(new Error('not asked'));
  }
  restore(): Promise<void> {
    return Promise.reject(new Error('not asked'));
  }
  confirmRecoveryWords(): Promise<void> {
    return Promise.reject(new Error('not asked'));
  }
  open() {
    return this.engine;
  }
}

describe('key input in the launch screens', () => {
  it('deletes one character per DEL of a burst and never types DEL into a field', async () => {
    const launch = new OneQuestion();
    const instance = render(<LaunchRoot launch={launch} noColor />);
    await waitForText(instance, '> Passphrase');
    instance.stdin.write('correct horse!!!');
    await waitForText(instance, '*'.repeat(16));
    instance.stdin.write('\x7f\x7f\x7f\r');
    await waitForFrame(instance, () => launch.unlocked.length === 1, 'the passphrase submitted');
    expect(launch.unlocked).toEqual(['correct horse']);
  });

  it('takes a pasted passphrase with a trailing newline as text, submitted only by Enter', async () => {
    const launch = new OneQuestion();
    const instance = render(<LaunchRoot launch={launch} noColor />);
    await waitForText(instance, '> Passphrase');
    instance.stdin.write('\x1b[200~pasted secret\n\x1b[201~');
    await waitForText(instance, '*'.repeat(14));
    expect(launch.unlocked).toEqual([]);
    instance.stdin.write('\x7f\r');
    await waitForFrame(instance, () => launch.unlocked.length === 1, 'the passphrase submitted');
    expect(launch.unlocked).toEqual(['pasted secret']);
  });
});
