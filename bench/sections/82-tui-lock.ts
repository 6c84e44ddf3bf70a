/**
 * Lock and unlock of the full-screen client over the real engine and a real SQLCipher profile of
 * 10,000 messages, through Ink's render loop into a terminal double (no network). Lock: from Ctrl-L on
 * stdin to the unlock prompt on screen with the engine locked (keys zeroed, store closed). Unlock: from
 * Enter on the prompt to the main screen showing the newest message again (store reopened with its raw
 * key, a new engine, the history page loaded); the OPAQUE login of a keychain profile (argon2id, about
 * 280 ms, plus the round trips) or the scrypt of a passphrase profile comes on top. Baseline in the
 * same run: launch to interactive on the same profile, which is the work an unlock repeats.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { ReactElement } from 'react';
import { toHex } from '../../src/lib/bytes.js';
import { openProfileStore } from '../../src/engine/store/profileStore.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { figure, heading, percentile, type BenchSection } from '../report.js';

const HISTORY = 10_000;
const ROUNDS = 10;
const COLUMNS = 100;
const ROWS = 30;
const TIMEOUT_MS = 20_000;

async function loadTui() {
  process.env['NODE_ENV'] ??= 'production';
  const [{ createElement }, { render }, { SessionRoot }, { maxFramesPerSecond }] = await Promise.all([
    import('react'),
    import('ink'),
    import('../../src/tui/lock/SessionRoot.js'),
    import('../../src/tui/runTui.js'),
  ]);
  return { createElement, render, SessionRoot, maxFramesPerSecond };
}

// eslint-disable-next-line no-control-regex -- terminal escape sequences are what is being removed
const escapes = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\x1b[=>]/gu;

/** As in 80-tui.ts: Ink's real render loop into a TTY-like stdout that keeps the last whole frame. */
function renderInTerminal(tui: Awaited<ReturnType<typeof loadTui>>, element: ReactElement) {
  let frame = '';
  const stdout = Object.assign(
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        const text = chunk.toString().replace(escapes, '');
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
    maxFps: tui.maxFramesPerSecond,
  });
  return {
    write: (data: string) => stdin.write(data),
    lastFrame: () => frame,
    unmount: () => instance.unmount(),
  };
}

async function until(lastFrame: () => string, predicate: (frame: string) => boolean): Promise<void> {
  const deadline = performance.now() + TIMEOUT_MS;
  while (!predicate(lastFrame())) {
    if (performance.now() > deadline) throw new Error(`no such frame:\n${lastFrame()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function makeProfile(dir: string): Promise<{ file: string; key: Uint8Array }> {
  const file = join(dir, 'profile.db');
  const key = new Uint8Array(randomBytes(32));
  const store = openProfileStore({ file, key: key.slice(), keySource: 'raw' });
  QpcEngine.createIdentity(store);
  const identity = store.identity.load();
  if (identity === undefined) throw new Error('no identity');
  store.identity.save({ ...identity, username: 'bencher' });
  const engine = new QpcEngine({ store });
  const group = await engine.createGroup('history');
  const sender = toHex(identity.signingPublicKey);
  store.transaction(() => {
    for (let index = 0; index < HISTORY; index += 1) {
      store.messages.append({
        id: `m${index.toString().padStart(6, '0')}`,
        groupId: group.id,
        sender,
        direction: 'out',
        text: `message number ${index} of the history, about as long as a chat line`,
        epoch: 0n,
        sentAt: Date.UTC(2026, 0, 1) + index * 1000,
        receivedAt: Date.UTC(2026, 0, 1) + index * 1000,
      });
    }
  });
  await engine.close();
  store.close();
  return { file, key };
}

export const section: BenchSection = {
  name: 'tui-lock',
  async run() {
    const tui = await loadTui();
    heading(`TUI lock and unlock over the real engine and store (${HISTORY} messages, no network)`);
    const dir = mkdtempSync(join(tmpdir(), 'qpc-bench-lock-'));
    try {
      const profile = await makeProfile(dir);
      const newest = `message number ${HISTORY - 1} of`;
      const open = (): QpcEngine =>
        new QpcEngine({
          store: openProfileStore({ file: profile.file, key: profile.key.slice(), keySource: 'raw' }),
        });
      let engine = open();
      let locked: Promise<void> = Promise.resolve();
      const lock = {
        secretKind: 'passphrase' as const,
        lock: () => (locked = engine.lock()),
        unlock: async () => {
          engine = open();
          await engine.whoami();
          return engine;
        },
      };
      const launch = async () => {
        const started = performance.now();
        const rendered = renderInTerminal(
          tui,
          tui.createElement(tui.SessionRoot, { engine, lock, noColor: true, autoLockMinutes: 0 }),
        );
        await until(rendered.lastFrame, (frame) => frame.includes(newest) && frame.includes('bencher'));
        return { rendered, ms: performance.now() - started };
      };
      // Warm-up: the first render pays for module loading and JIT.
      const warm = await launch();
      warm.rendered.unmount();
      await engine.lock();
      engine = open();
      const { rendered, ms } = await launch();
      figure('launch to interactive (baseline)', ms, 'ms');

      const lockMs: number[] = [];
      const unlockMs: number[] = [];
      for (let round = 0; round < ROUNDS; round += 1) {
        const lockStart = performance.now();
        rendered.write('\x0c');
        await until(rendered.lastFrame, (frame) => frame.includes('quicprochat · locked'));
        await locked;
        lockMs.push(performance.now() - lockStart);
        rendered.write('x');
        await until(rendered.lastFrame, (frame) => /> Passphrase\s+\*/u.test(frame));
        const unlockStart = performance.now();
        rendered.write('\r');
        await until(rendered.lastFrame, (frame) => frame.includes(newest) && !frame.includes('locked'));
        unlockMs.push(performance.now() - unlockStart);
      }
      lockMs.sort((a, b) => a - b);
      unlockMs.sort((a, b) => a - b);
      figure(
        'lock: Ctrl-L to the prompt, engine locked, p50',
        percentile(lockMs, 50),
        'ms',
        `${ROUNDS} rounds`,
      );
      figure('lock, worst', Math.max(...lockMs), 'ms');
      figure('unlock: Enter to the newest message, p50 (login not included)', percentile(unlockMs, 50), 'ms');
      figure('unlock, worst', Math.max(...unlockMs), 'ms');
      rendered.unmount();
      await engine.lock();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
