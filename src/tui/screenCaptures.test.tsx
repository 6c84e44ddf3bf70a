/**
 * Renders each screen at 80x24 with fixed data and checks that docs/tui.md shows exactly that
 * capture, so the screenshots in the docs stay true. Set QPC_PRINT_TUI_CAPTURES=1 to print them.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from 'ink-testing-library';
import { SessionRoot } from './lock/SessionRoot.js';
import { FakeLock } from './testing/fakeLock.js';
import { keyBindings } from './keyBindings.js';
import { slashCommandSpecs } from './slashCommands.js';
import { classicalSuite, fakeFingerprint, FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { frameFits, renderApp, resizeTerminal } from './testing/renderApp.js';
import type { RenderedApp } from './testing/renderApp.js';
import { keys, press, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

const docPath = new URL('../../docs/tui.md', import.meta.url);

function demoEngine(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [
    makeGroup('general', { name: 'general', lastActivity: 500, epoch: 42n }),
    makeGroup('ops', { name: 'ops', lastActivity: 400, unread: 3 }),
    makeGroup('family', { name: 'family', lastActivity: 300, unread: 12 }),
    makeGroup('big-room', { name: 'big-room', lastActivity: 200, ciphersuite: classicalSuite }),
  ];
  const at = (minute: number): number => Date.UTC(2026, 10, 22, 9, minute);
  const alice = { username: 'alice', fingerprint: fakeFingerprint('alice') };
  const bob = { username: 'bob', fingerprint: fakeFingerprint('bob') };
  const me = { username: 'carol', fingerprint: fakeFingerprint('carol') };
  engine.messages.set('general', [
    makeMessage('general', 0, { sender: alice, sentAt: at(2), text: 'morning! the new server is up' }),
    makeMessage('general', 1, {
      sender: bob,
      sentAt: at(3),
      text: 'nice. did the epoch bump after the rotation?',
    }),
    makeMessage('general', 2, {
      sender: me,
      sentAt: at(5),
      outgoing: true,
      text: 'yes, 42 now',
      state: 'accepted',
    }),
    makeMessage('general', 3, { sender: bob, sentAt: at(6), decryptFailed: true, text: '' }),
    makeMessage('general', 4, {
      sender: alice,
      sentAt: at(8),
      text: 'a longer message wraps onto the next rows of the pane, and the list still only draws what fits\nsecond line',
    }),
    makeMessage('general', 5, {
      sender: me,
      sentAt: at(9),
      outgoing: true,
      text: 'on my way',
      state: 'sent',
    }),
    makeMessage('general', 6, {
      sender: me,
      sentAt: at(10),
      outgoing: true,
      text: 'offline draft',
      state: 'failed',
    }),
    makeMessage('general', 7, {
      sender: me,
      sentAt: at(11),
      outgoing: true,
      text: 'queued for later',
      state: 'pending',
    }),
  ]);
  engine.members.set('general', [
    { username: 'alice', fingerprint: fakeFingerprint('alice'), verification: 'verified', self: false },
    { username: 'bob', fingerprint: fakeFingerprint('bob'), verification: 'unverified', self: false },
    { username: 'carol', fingerprint: fakeFingerprint('carol'), verification: 'verified', self: true },
    {
      username: 'mallory',
      fingerprint: fakeFingerprint('mallory-new'),
      verification: 'changed',
      self: false,
    },
  ]);
  engine.outbox = 3;
  return engine;
}

async function mainScreen(): Promise<RenderedApp> {
  const app = await renderApp(demoEngine());
  await waitForText(app, 'queued for later');
  return app;
}

async function browsing(): Promise<RenderedApp> {
  const app = await mainScreen();
  await press(app, keys.tab, (f) => f.includes('▶ Groups'));
  return app;
}

/** The main screen behind its lock (as qpc runs it), locked by the idle timer's message. */
async function lockedScreen(): Promise<string> {
  const engine = demoEngine();
  const app = render(<SessionRoot engine={engine} lock={new FakeLock(engine)} noColor autoLockMinutes={0} />);
  resizeTerminal(app, 80, 24);
  await waitForText(app, 'queued for later');
  await press(app, '\x0c', (f) => f.includes('quicprochat · locked'));
  await press(app, 'correct', (f) => f.includes('*******'));
  return press(app, 'x' + keys.enter, (f) => f.includes('AUTH_FAILED'));
}

const captures: [string, () => Promise<string>][] = [
  ['main', async () => (await mainScreen()).lastFrame() ?? ''],
  [
    'error',
    async () => {
      const app = await mainScreen();
      await press(app, '/frobnicate', (f) => f.includes('/frobnicate'));
      return press(app, keys.enter, (f) => f.includes('unknown command'));
    },
  ],
  ['help', async () => press(await browsing(), '?', (f) => f.includes('Help'))],
  ['members', async () => press(await browsing(), 'm', (f) => f.includes('Fingerprint of alice'))],
  [
    'safetyNumber',
    async () => {
      const app = await browsing();
      await press(app, 'm', (f) => f.includes('Fingerprint of alice'));
      await press(app, keys.down + keys.down + keys.down, (f) => f.includes('Fingerprint of mallory'));
      return press(app, 's', (f) => f.includes('Safety number with mallory') && f.includes('QR code needs'));
    },
  ],
  ['identity', async () => press(await browsing(), 'i', (f) => f.includes('Username: carol'))],
  [
    'createGroup',
    async () => {
      const app = await mainScreen();
      await press(app, keys.ctrlN, (f) => f.includes('New group'));
      return press(app, 'book club', (f) => f.includes('Name: book club'));
    },
  ],
  [
    'invite',
    async () => {
      const app = await browsing();
      await press(app, 'a', (f) => f.includes('Invite to'));
      return press(app, 'dave', (f) => f.includes('Username: dave'));
    },
  ],
  ['confirmQuit', async () => press(await browsing(), 'q', (f) => f.includes('Quit qpc?'))],
  ['locked', lockedScreen],
  [
    'revealPassword',
    async () => {
      const app = await browsing();
      await press(app, 'i', (f) => f.includes('Username: carol'));
      await press(app, 'r', (f) => f.includes('Account password'));
      return press(app, 'secret', (f) => f.includes('******'));
    },
  ],
  [
    'backupWords',
    async () => {
      const app = await mainScreen();
      await press(app, '/backup import ~/qpc.bak', (f) => f.includes('/backup import'));
      await press(app, keys.enter, (f) => f.includes('Import backup'));
      return press(app, 'abandon ability', (f) => f.includes('***************'));
    },
  ],
  [
    'changePassword',
    async () => {
      const app = await mainScreen();
      await press(app, '/password', (f) => f.includes('/password'));
      await press(app, keys.enter, (f) => f.includes('Current password'));
      await press(app, 'correct horse', (f) => f.includes('*************'));
      await press(app, keys.enter, (f) => f.includes('New password:'));
      return press(app, 'new one', (f) => f.includes('New password: *******'));
    },
  ],
];

describe('screen captures in docs/tui.md', () => {
  it.each(captures)('%s matches the doc', async (name, capture) => {
    const frame = await capture();
    expect(frameFits(frame, 80, 24)).toBe(true);
    if (process.env['QPC_PRINT_TUI_CAPTURES'] === '1') console.log(`<<<${name}\n${frame}\n>>>`);
    const doc = readFileSync(docPath, 'utf8');
    expect(doc).toContain(`<!-- capture:${name} -->\n\n\`\`\`text\n${frame}\n\`\`\``);
  });
});

describe('docs/tui.md lists every key and command', () => {
  const doc = readFileSync(docPath, 'utf8');

  it.each(keyBindings.map((binding) => [binding.keys.join(', '), binding] as const))(
    '%s',
    (_name, binding) => {
      // Prettier pads table cells, so cells are compared trimmed.
      const description = binding.description.replace(/\|/gu, '\\|');
      const row = doc.split('\n').find((line) => {
        const cells = line.split(/(?<!\\)\|/u).map((cell) => cell.trim());
        return cells.includes(description) && line.includes(`\`${binding.keys[0]}\``);
      });
      expect(row).toBeDefined();
      for (const key of binding.keys) expect(row).toContain(`\`${key}\``);
    },
  );

  it('lists every slash command', () => {
    for (const spec of slashCommandSpecs) expect(doc).toContain(`\`${spec.usage}\``);
  });
});
