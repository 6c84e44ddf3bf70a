/**
 * The full-screen client over the real engine and a real SQLCipher profile (no network: the figures are
 * the TUI's and the store's). Launch to interactive: from opening the profile to the first full frame
 * of the main screen with the newest message on it, for a group of 10,000 messages against an empty
 * group in the same run. Keypress to frame: from the key bytes arriving on stdin to the first frame
 * written to the terminal that shows its effect (a letter typed in the composer, Backspace, PgUp/PgDn
 * in the 10,000-message history).
 *
 * Ink renders as in `qpc`: its real render loop into a terminal double (a TTY-like stdout that keeps
 * what was written), with the frame rate runTui asks for, and, for comparison, Ink's default of 30
 * frames per second (whose throttle alone can hold a frame back by 33 ms).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { ReactElement } from 'react';
import { toHex } from '../../src/lib/bytes.js';
import { openProfileStore } from '../../src/engine/store/profileStore.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';

/**
 * React, Ink and the TUI load on first use, after NODE_ENV is settled: React picks its development
 * build (several times slower) unless NODE_ENV is "production", and `qpc` runs it in production.
 */
async function loadTui() {
  process.env['NODE_ENV'] ??= 'production';
  const [{ createElement }, { render }, { App }, { maxFramesPerSecond }, outputCache] = await Promise.all([
    import('react'),
    import('ink'),
    import('../../src/tui/App.js'),
    import('../../src/tui/runTui.js'),
    import('../../src/tui/render/inkOutputCache.js'),
  ]);
  return { createElement, render, App, maxFramesPerSecond, outputCache };
}
type Tui = Awaited<ReturnType<typeof loadTui>>;
let tui: Tui;
import { figure, heading, percentile, type BenchSection } from '../report.js';

const HISTORY = 10_000;
const KEY_SAMPLES = 100;
const LAUNCHES = 5;
const TIMEOUT_MS = 20_000;

const COLUMNS = 100;
const ROWS = 30;

/** What the bench drives: keys in, the last frame written out (escape codes removed). */
interface Rendered {
  readonly stdin: { write(data: string): void };
  lastFrame(): string;
  unmount(): void;
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences are what is being removed
const escapes = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]/gu;

/** Ink's real render loop into a terminal double, `fps` frames per second at most. */
function renderInTerminal(element: ReactElement, fps: number): Rendered {
  let frame = '';
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        const text = chunk.toString().replace(escapes, '');
        // Whole frames only: Ink also writes short cursor and mode sequences on their own.
        if (text.length > COLUMNS) frame = text;
        done();
      },
    }),
    { isTTY: true, columns: COLUMNS, rows: ROWS },
  );
  const stdin = Object.assign(new PassThrough(), {
    isTTY: true,
    setRawMode: () => undefined,
    ref: () => undefined,
    unref: () => undefined,
  });
  const instance = tui.render(element, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: fps,
  });
  return {
    stdin: { write: (data: string) => stdin.write(data) },
    lastFrame: () => frame,
    unmount: () => instance.unmount(),
  };
}

/** Polls the frame on every turn of the event loop: sub-millisecond resolution, no fixed sleep. */
async function until(instance: Rendered, predicate: (frame: string) => boolean): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (!predicate(instance.lastFrame())) {
    if (performance.now() > deadline) throw new Error(`no such frame:\n${instance.lastFrame()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function makeProfile(
  dir: string,
  name: string,
  messages: number,
): Promise<{ file: string; key: Uint8Array }> {
  const file = join(dir, `${name}.db`);
  const key = new Uint8Array(randomBytes(32));
  const store = openProfileStore({ file, key: key.slice(), keySource: 'raw' });
  QpcEngine.createIdentity(store);
  const identity = store.identity.load();
  if (identity === undefined) throw new Error('no identity');
  store.identity.save({ ...identity, username: 'bencher' });
  const engine = new QpcEngine({ store });
  const group = await engine.createGroup('history');
  const sender = toHex(identity.signingPublicKey);
  const start = Date.UTC(2026, 0, 1);
  // One transaction: 10,000 separate commits spent seconds syncing the file, none of it measured.
  store.transaction(() => {
    for (let index = 0; index < messages; index += 1) {
      store.messages.append({
        id: `m${index.toString().padStart(6, '0')}`,
        groupId: group.id,
        sender,
        direction: 'out',
        text: `message number ${index} of the history, about as long as a chat line`,
        epoch: 0n,
        sentAt: start + index * 1000,
        receivedAt: start + index * 1000,
      });
    }
  });
  await engine.close();
  store.close();
  return { file, key };
}

interface Launched {
  instance: Rendered;
  close: () => Promise<void>;
  ms: number;
  /** CPU time of this process from opening the profile to the frame (includes polling for it). */
  cpuMs: number;
}

function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

async function launch(
  profile: { file: string; key: Uint8Array },
  ready: string,
  fps = tui.maxFramesPerSecond,
): Promise<Launched> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const store = openProfileStore({ file: profile.file, key: profile.key.slice(), keySource: 'raw' });
  const engine = new QpcEngine({ store });
  const instance = renderInTerminal(tui.createElement(tui.App, { engine, noColor: true }), fps);
  await until(instance, (frame) => frame.includes(ready) && frame.includes('bencher'));
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return {
    instance,
    ms,
    cpuMs: (used.user + used.system) / 1000,
    close: async () => {
      instance.unmount();
      await engine.close();
      store.close();
    },
  };
}

/**
 * Times `samples` key presses; `press(i)` writes one key and returns the predicate of its frame. Also
 * the process CPU time per key press, which the other programs on a shared machine do not inflate
 * (though it includes this loop polling for the frame). With `paceMs` 0 each key follows the previous
 * frame at once, so it always lands inside the frame throttle's window (1000/fps ms): the worst case.
 * A held key repeats every 30-40 ms, so `paceMs` 40 is what a person holding or typing a key sees.
 */
async function keyLatencies(
  instance: Rendered,
  press: (index: number) => (frame: string) => boolean,
  paceMs = 0,
): Promise<number[] & { cpuMs?: number }> {
  const samples: number[] & { cpuMs?: number } = [];
  const cpu = process.cpuUsage();
  for (let index = 0; index < KEY_SAMPLES; index += 1) {
    // The gap a person leaves between keys: the workload, not a wait for a state.
    if (paceMs > 0) await new Promise((resolve) => setTimeout(resolve, paceMs));
    const started = performance.now();
    const predicate = press(index);
    await until(instance, predicate);
    samples.push(performance.now() - started);
  }
  const used = process.cpuUsage(cpu);
  samples.sort((a, b) => a - b);
  samples.cpuMs = (used.user + used.system) / 1000 / KEY_SAMPLES;
  return samples;
}

function report(label: string, samples: number[] & { cpuMs?: number }): void {
  figure(`${label} p50`, percentile(samples, 50), 'ms');
  figure(`${label} p99`, percentile(samples, 99), 'ms');
  if (samples.cpuMs !== undefined) figure(`${label}, CPU per key`, samples.cpuMs, 'ms');
}

/** Typing: a letter, then Backspace, alternately; each frame shows the composer's new text. */
function typing(instance: Rendered): (index: number) => (frame: string) => boolean {
  return (index) => {
    const letters = index % 2 === 0;
    const before = instance.lastFrame();
    instance.stdin.write(letters ? 'z' : '\x7f');
    return letters ? (frame) => frame.includes('▶ z') : (frame) => frame !== before && !frame.includes('▶ z');
  };
}

export const section: BenchSection = {
  name: 'tui',
  async run() {
    tui = await loadTui();
    // As runTui does before its first frame.
    await tui.outputCache.installInkOutputCache();
    const { maxFramesPerSecond } = tui;
    const [load] = loadavg();
    heading(
      `load average ${load?.toFixed(1) ?? '?'} on ${availableParallelism()} cores · TUI over the real engine and store (${COLUMNS}x${ROWS}, Ink's render loop at ${maxFramesPerSecond} fps, NODE_ENV=${process.env['NODE_ENV'] ?? ''}): ${HISTORY} messages vs an empty group`,
    );
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-tui-'));
    try {
      const empty = await makeProfile(dir, 'empty', 0);
      const full = await makeProfile(dir, 'full', HISTORY);
      const newest = `message number ${HISTORY - 1} of`;

      // Warm-up: the first render pays for module loading and JIT, not for the history.
      await (await launch(empty, 'no messages yet')).close();
      await (await launch(full, newest)).close();
      // Launches alternate, so a burst of load from other programs falls on both alike; the median of
      // LAUNCHES each, and the CPU time of this process, which the other programs do not inflate.
      const emptyLaunches: Launched[] = [];
      const fullLaunches: Launched[] = [];
      for (let round = 0; round < LAUNCHES; round += 1) {
        const emptyLaunch = await launch(empty, 'no messages yet');
        emptyLaunches.push(emptyLaunch);
        await emptyLaunch.close();
        const fullLaunch = await launch(full, newest);
        fullLaunches.push(fullLaunch);
        await fullLaunch.close();
      }
      const emptyMs = median(emptyLaunches.map((run) => run.ms));
      const fullMs = median(fullLaunches.map((run) => run.ms));
      figure(`launch to interactive, empty group (baseline), median of ${LAUNCHES}`, emptyMs, 'ms');
      figure(`launch to interactive, ${HISTORY} messages, median of ${LAUNCHES}`, fullMs, 'ms');
      figure(`launch to interactive, ${HISTORY} messages / empty group`, fullMs / emptyMs, 'x', 'target 2x');
      const emptyCpu = median(emptyLaunches.map((run) => run.cpuMs));
      const fullCpu = median(fullLaunches.map((run) => run.cpuMs));
      figure('launch to interactive, empty group (baseline), CPU', emptyCpu, 'ms');
      figure(`launch to interactive, ${HISTORY} messages, CPU`, fullCpu, 'ms');
      figure(`launch to interactive, ${HISTORY} messages / empty group, CPU`, fullCpu / emptyCpu, 'x');
      const emptyRun = await launch(empty, 'no messages yet');
      const fullRun = await launch(full, newest);

      // Before: Ink's own output caches, emptied at every frame.
      tui.outputCache.removeInkOutputCache();
      report(
        `keypress to frame, typing, ${HISTORY} messages, Ink's per-frame caches (before)`,
        await keyLatencies(fullRun.instance, typing(fullRun.instance)),
      );
      await tui.outputCache.installInkOutputCache();

      report(
        'keypress to frame, typing, empty group (baseline)',
        await keyLatencies(emptyRun.instance, typing(emptyRun.instance)),
      );
      report(
        `keypress to frame, typing, ${HISTORY} messages`,
        await keyLatencies(fullRun.instance, typing(fullRun.instance)),
      );
      report(
        'keypress to frame, typing a key every 40 ms, empty group (baseline)',
        await keyLatencies(emptyRun.instance, typing(emptyRun.instance), 40),
      );
      report(
        `keypress to frame, typing a key every 40 ms, ${HISTORY} messages`,
        await keyLatencies(fullRun.instance, typing(fullRun.instance), 40),
      );

      // Scrolling: focus the messages pane (Tab twice from the composer), then PgUp / PgDn.
      const { instance } = fullRun;
      instance.stdin.write('\t');
      await until(instance, (frame) => frame.includes('▶ Groups'));
      instance.stdin.write('\t');
      await until(instance, (frame) => !frame.includes('▶ Groups') && frame.includes('│  Message #history'));
      const scroll = await keyLatencies(instance, (index) => {
        const before = instance.lastFrame() ?? '';
        instance.stdin.write(index % 2 === 0 ? '\x1b[5~' : '\x1b[6~');
        return (frame) => frame !== before;
      });
      report(`keypress to frame, PgUp/PgDn, ${HISTORY} messages`, scroll);
      await emptyRun.close();
      await fullRun.close();

      // The same typing at Ink's default frame rate: what the throttle alone costs.
      const slowRun = await launch(full, newest, 30);
      report(
        `keypress to frame, typing, ${HISTORY} messages, Ink default 30 fps`,
        await keyLatencies(slowRun.instance, typing(slowRun.instance)),
      );
      await slowRun.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
