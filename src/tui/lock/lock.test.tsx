/**
 * Lock and unlock of the main screen, with a fake LockApi and an idle timer fired by hand: the unlock
 * prompt replaces the whole screen (no chat left on it), a wrong secret shows the error and stays
 * locked, the right one brings a fresh main screen over the new engine with what arrived meanwhile.
 */
import { useEffect } from 'react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { FakeEngine, makeGroup, makeMessage } from '../testing/fakeEngine.js';
import { FakeLock, ManualIdleTimer } from '../testing/fakeLock.js';
import { frameFits, resizeTerminal } from '../testing/renderApp.js';
import { keys, press, waitForFrame, waitForText } from '../testing/waitForFrame.js';
import { SessionRoot } from './SessionRoot.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function seeded(texts: readonly string[]): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set(
    'general',
    texts.map((text, index) => makeMessage('general', index, { text })),
  );
  return engine;
}

/** Tells the test when Ink has unmounted the tree (quitting). */
function UnmountProbe({ onUnmount, children }: { onUnmount: () => void; children: ReactNode }) {
  useEffect(() => onUnmount, [onUnmount]);
  return <>{children}</>;
}

interface Setup {
  readonly engine: FakeEngine;
  readonly after: FakeEngine;
  readonly lock: FakeLock;
  readonly idle: ManualIdleTimer;
  readonly app: ReturnType<typeof render>;
  readonly unmounted: () => boolean;
}

async function setup(autoLockMinutes?: number): Promise<Setup> {
  const engine = seeded(['the secret plan']);
  const after = seeded(['the secret plan', 'sent while you were locked']);
  const lock = new FakeLock(after);
  const idle = new ManualIdleTimer();
  let gone = false;
  const app = render(
    <UnmountProbe onUnmount={() => (gone = true)}>
      <SessionRoot
        engine={engine}
        lock={lock}
        idleTimer={idle.timer}
        noColor
        {...(autoLockMinutes === undefined ? {} : { autoLockMinutes })}
      />
    </UnmountProbe>,
  );
  resizeTerminal(app, 80, 24);
  await waitForFrame(app, (f) => frameFits(f, 80, 24) && f.includes('the secret plan'), 'the main screen');
  return { engine, after, lock, idle, app, unmounted: () => gone };
}

const lockedScreen = (frame: string): boolean => frame.includes('quicprochat · locked');

describe('lock', () => {
  it('/lock replaces the screen, a wrong password stays locked, the right one catches up', async () => {
    const { engine, after, lock, app } = await setup();
    await press(app, '/lock', (f) => f.includes('/lock'));
    let frame = await press(app, keys.enter, lockedScreen);
    await waitForFrame(app, () => lock.locks === 1, 'the engine to lock');
    expect(frameFits(frame, 80, 24)).toBe(true);
    for (const chat of ['the secret plan', 'general', 'carol']) expect(frame).not.toContain(chat);
    // The main screen let go of the engine: nothing of it is rendered or subscribed.
    expect(engine.listenerCount).toBe(0);

    frame = await press(app, 'nope nope', (f) => f.includes('*********'));
    expect(frame).not.toContain('nope');
    frame = await press(app, keys.enter, (f) => f.includes('wrong username or password (AUTH_FAILED)'));
    expect(lockedScreen(frame)).toBe(true);
    expect(frame).not.toContain('the secret plan');
    expect(lock.attempts).toEqual(['nope nope']);

    await press(app, 'correct horse', (f) => f.includes('*************'));
    frame = await press(app, keys.enter, (f) => f.includes('sent while you were locked'));
    expect(lockedScreen(frame)).toBe(false);
    expect(lock.attempts).toEqual(['nope nope', 'correct horse']);
    expect(after.listenerCount).toBe(1);
  });

  it('Ctrl-L locks from the composer; Esc clears the field; the prompt resizes; Ctrl-C quits', async () => {
    const { lock, app, unmounted } = await setup();
    await press(app, '\x0c', lockedScreen);
    await waitForFrame(app, () => lock.locks === 1, 'the engine to lock');
    await press(app, 'abc', (f) => f.includes('> Password   ***'));
    await press(app, keys.escape, (f) => !f.includes('***'));
    // The prompt follows a resize, as the main screen does.
    resizeTerminal(app, 60, 20);
    await waitForFrame(app, (f) => frameFits(f, 60, 20) && lockedScreen(f), 'the prompt at 60x20');
    app.stdin.write(keys.ctrlC);
    await waitForFrame(app, () => unmounted(), 'the app to quit');
    expect(lock.attempts).toEqual([]);
  });

  it('locks after the idle time; a key press starts the wait again', async () => {
    const { lock, idle, app } = await setup();
    expect(idle.delayMs).toBe(15 * 60_000);
    expect(idle.isPending).toBe(true);
    const armed = idle.armed;
    await press(app, 'x', (f) => f.includes('▶ x'));
    expect(idle.armed).toBe(armed + 1);
    expect(idle.cancelled).toBe(1);
    idle.fire();
    const frame = await waitForFrame(app, lockedScreen, 'the lock screen');
    expect(frame).toContain('Locked after 15 minutes without a key press.');
    await waitForFrame(app, () => lock.locks === 1, 'the engine to lock');
    // No timer runs while locked; unlocking arms it again.
    expect(idle.isPending).toBe(false);
    await press(app, 'correct horse', (f) => f.includes('*************'));
    await press(app, keys.enter, (f) => f.includes('sent while you were locked'));
    expect(idle.isPending).toBe(true);
  });

  it('takes the idle time from the setting, and 0 turns auto-lock off', async () => {
    const five = await setup(5);
    expect(five.idle.delayMs).toBe(5 * 60_000);
    cleanup();
    const off = await setup(0);
    expect(off.idle.armed).toBe(0);
    await press(off.app, 'typing', (f) => f.includes('▶ typing'));
    expect(off.idle.armed).toBe(0);
  });

  it('asks for the passphrase on a profile kept with one', async () => {
    const engine = seeded(['hello']);
    const lock = new FakeLock(seeded(['hello']), 'passphrase', 'long passphrase');
    const app = render(<SessionRoot engine={engine} lock={lock} noColor autoLockMinutes={0} />);
    resizeTerminal(app, 80, 24);
    await waitForText(app, 'hello');
    const frame = await press(app, '\x0c', (f) => f.includes('> Passphrase'));
    expect(frame).toContain('Type the passphrase of this profile to unlock it.');
  });

  it('says so when the client cannot lock', async () => {
    const engine = seeded(['hello']);
    const app = render(<SessionRoot engine={engine} noColor />);
    resizeTerminal(app, 80, 24);
    await waitForText(app, 'hello');
    await press(app, '/lock', (f) => f.includes('/lock'));
    const frame = await press(app, keys.enter, (f) => f.includes('cannot lock'));
    expect(frame).toContain('hello');
  });
});
