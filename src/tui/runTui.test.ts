import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { enterAlternateScreen, leaveAlternateScreen, runTui } from './runTui.js';
import { FakeEngine, makeGroup } from './testing/fakeEngine.js';
import { waitForFrame } from './testing/waitForFrame.js';

/** Just enough of a TTY for Ink: a writable stdout with a size, a raw-mode stdin. */
class FakeTtyOut extends EventEmitter {
  isTTY = true;
  columns = 80;
  rows = 24;
  written = '';
  write(chunk: string | Uint8Array): boolean {
    this.written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }
}

class FakeTtyIn extends EventEmitter {
  isTTY = true;
  private pending: string[] = [];
  setRawMode(): this {
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  read(): string | null {
    return this.pending.shift() ?? null;
  }
  type(data: string): void {
    this.pending.push(data);
    this.emit('readable');
  }
}

function start(engine: FakeEngine) {
  const stdout = new FakeTtyOut();
  const stdin = new FakeTtyIn();
  const done = runTui({
    engine,
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    noColor: true,
    patchConsole: false,
  });
  const screen = { lastFrame: () => stdout.written };
  return { stdout, stdin, done, screen };
}

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general')];
  return engine;
}

describe('runTui', () => {
  it('enters the alternate screen and leaves it when the user quits', async () => {
    const { stdout, stdin, done, screen } = start(seeded());
    await waitForFrame(screen, (out) => out.includes('Groups (1)'), 'the first frame');
    expect(stdout.written.startsWith(enterAlternateScreen)).toBe(true);
    stdin.type('\t');
    await waitForFrame(screen, (out) => out.includes('▶ Groups'), 'the groups pane focused');
    stdin.type('q');
    await expect(done).resolves.toEqual({ reason: 'quit' });
    expect(stdout.written.endsWith(leaveAlternateScreen)).toBe(true);
  });

  it('restores the screen on SIGTERM and removes its handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    const { stdout, done, screen } = start(seeded());
    await waitForFrame(screen, (out) => out.includes('Groups (1)'), 'the first frame');
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    await expect(done).resolves.toEqual({ reason: 'signal', signal: 'SIGTERM' });
    expect(stdout.written.endsWith(leaveAlternateScreen)).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('restores the screen when rendering throws, and passes the error on', async () => {
    const engine = seeded();
    engine.snapshot = () => {
      throw new Error('engine exploded');
    };
    const { stdout, done } = start(engine);
    await expect(done).rejects.toThrow('engine exploded');
    expect(stdout.written.startsWith(enterAlternateScreen)).toBe(true);
    expect(stdout.written.endsWith(leaveAlternateScreen)).toBe(true);
  });

  it('restores the screen on an uncaught exception and passes the error on', async () => {
    const before = process.listeners('uncaughtException');
    const { stdout, done, screen } = start(seeded());
    await waitForFrame(screen, (out) => out.includes('Groups (1)'), 'the first frame');
    // Call runTui's handler directly: emitting the event would also reach the test runner's own.
    const added = process.listeners('uncaughtException').filter((listener) => !before.includes(listener));
    expect(added).toHaveLength(1);
    added[0]!(new Error('boom from a timer'), 'uncaughtException');
    await expect(done).rejects.toThrow('boom from a timer');
    expect(stdout.written.endsWith(leaveAlternateScreen)).toBe(true);
    expect(process.listeners('uncaughtException')).toEqual(before);
  });

  it('refuses to start without a terminal', async () => {
    const stdout = new FakeTtyOut();
    stdout.isTTY = false;
    await expect(
      runTui({
        engine: seeded(),
        stdout: stdout as unknown as NodeJS.WriteStream,
        stdin: new FakeTtyIn() as unknown as NodeJS.ReadStream,
      }),
    ).rejects.toMatchObject({ code: 'TUI_NEEDS_TERMINAL' });
    expect(stdout.written).toBe('');
  });
});
