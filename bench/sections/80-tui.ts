/**
 * The full-screen client over the real engine and a real SQLCipher profile (no network: the figures are
 * the TUI's and the store's). Launch to interactive: from opening the profile to the first full frame
 * of the main screen with the newest message on it, for a group of 10,000 messages against an empty
 * group in the same run. Keypress to frame: from stdin.write of a key to the first frame that shows its
 * effect (a letter typed in the composer, Backspace, PgUp/PgDn in the 10,000-message history).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { toHex } from '../../src/lib/bytes.js';
import { openProfileStore } from '../../src/engine/store/profileStore.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { App } from '../../src/tui/App.js';
import { figure, heading, percentile, type BenchSection } from '../report.js';

const HISTORY = 10_000;
const KEY_SAMPLES = 100;
const TIMEOUT_MS = 20_000;

type Rendered = ReturnType<typeof render>;

/** Polls the frame on every turn of the event loop: sub-millisecond resolution, no fixed sleep. */
async function until(instance: Rendered, predicate: (frame: string) => boolean): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (!predicate(instance.lastFrame() ?? '')) {
    if (performance.now() > deadline) throw new Error(`no such frame:\n${instance.lastFrame() ?? ''}`);
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
  await engine.close();
  store.close();
  return { file, key };
}

interface Launched {
  instance: Rendered;
  close: () => Promise<void>;
  ms: number;
}

async function launch(profile: { file: string; key: Uint8Array }, ready: string): Promise<Launched> {
  const started = performance.now();
  const store = openProfileStore({ file: profile.file, key: profile.key.slice(), keySource: 'raw' });
  const engine = new QpcEngine({ store });
  const instance = render(createElement(App, { engine, noColor: true }));
  Object.defineProperty(instance.stdout, 'columns', { value: 100, configurable: true });
  Object.defineProperty(instance.stdout, 'rows', { value: 30, configurable: true });
  instance.stdout.emit('resize');
  await until(instance, (frame) => frame.includes(ready) && frame.includes('bencher'));
  const ms = performance.now() - started;
  return {
    instance,
    ms,
    close: async () => {
      instance.unmount();
      await engine.close();
      store.close();
    },
  };
}

/** Times `samples` key presses; `press(i)` writes one key and returns the predicate of its frame. */
async function keyLatencies(
  instance: Rendered,
  press: (index: number) => (frame: string) => boolean,
): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < KEY_SAMPLES; index += 1) {
    const started = performance.now();
    const predicate = press(index);
    await until(instance, predicate);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

function report(label: string, samples: number[]): void {
  figure(`${label} p50`, percentile(samples, 50), 'ms');
  figure(`${label} p99`, percentile(samples, 99), 'ms');
}

/** Typing: a letter, then Backspace, alternately; each frame shows the composer's new text. */
function typing(instance: Rendered): (index: number) => (frame: string) => boolean {
  return (index) => {
    const letters = index % 2 === 0;
    instance.stdin.write(letters ? 'z' : '\x7f');
    return letters ? (frame) => frame.includes('▶ z') : (frame) => !frame.includes('▶ z');
  };
}

export const section: BenchSection = {
  name: 'tui',
  async run() {
    heading(`TUI over the real engine and store (100x30): ${HISTORY} messages vs an empty group`);
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-tui-'));
    try {
      const empty = await makeProfile(dir, 'empty', 0);
      const full = await makeProfile(dir, 'full', HISTORY);
      const newest = `message number ${HISTORY - 1} of`;

      // Warm-up: the first render pays for module loading and JIT, not for the history.
      await (await launch(empty, 'no messages yet')).close();
      const emptyRun = await launch(empty, 'no messages yet');
      figure('launch to interactive, empty group (baseline)', emptyRun.ms, 'ms');
      const fullRun = await launch(full, newest);
      figure(`launch to interactive, ${HISTORY} messages`, fullRun.ms, 'ms');

      report(
        'keypress to frame, typing, empty group (baseline)',
        await keyLatencies(emptyRun.instance, typing(emptyRun.instance)),
      );
      report(
        `keypress to frame, typing, ${HISTORY} messages`,
        await keyLatencies(fullRun.instance, typing(fullRun.instance)),
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
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
