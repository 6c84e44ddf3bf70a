import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { keyBindings } from './keyBindings.js';
import { slashCommandSpecs } from './slashCommands.js';
import { fakeFingerprint, FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { frameFits, renderApp } from './testing/renderApp.js';
import type { RenderedApp } from './testing/renderApp.js';
import { keys, press, waitForFrame, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set('general', [makeMessage('general', 0)]);
  engine.members.set('general', [
    { username: 'alice', fingerprint: fakeFingerprint('alice'), verification: 'verified', self: false },
    { username: 'bob', fingerprint: fakeFingerprint('bob'), verification: 'unverified', self: false },
    { username: 'carol', fingerprint: fakeFingerprint('carol'), verification: 'verified', self: true },
    { username: 'mallory', fingerprint: fakeFingerprint('mallory2'), verification: 'changed', self: false },
  ]);
  return engine;
}

/** Starts with the groups pane focused, where single letters are commands rather than text. */
async function browsing(engine: FakeEngine, rows = 24): Promise<RenderedApp> {
  const app = await renderApp(engine, { rows });
  await waitForText(app, 'message number 0');
  await press(app, keys.tab, (f) => f.includes('▶ Groups'));
  return app;
}

const lineWith = (frame: string, text: string): string =>
  frame.split('\n').find((line) => line.includes(text)) ?? '';

describe('help overlay', () => {
  it('opens with ?, scrolls, and closes with Esc', async () => {
    const app = await browsing(seeded());
    let frame = await press(app, '?', (f) => f.includes('Help'));
    expect(frameFits(frame, 80, 24)).toBe(true);
    expect(frame).toContain('Ctrl-C');
    frame = await press(app, keys.pageDown, (f) => !f.includes('Ctrl-C'), 'the second help page');
    expect(frame).toContain('Help');
    await press(app, keys.escape, (f) => f.includes('▶ Groups'));
  });

  it('lists every key binding and every slash command', async () => {
    const app = await browsing(seeded(), 120);
    const frame = await press(app, '?', (f) => f.includes('Help'));
    for (const binding of keyBindings) expect(frame).toContain(binding.keys.join(' / '));
    for (const spec of slashCommandSpecs) expect(frame).toContain(spec.usage);
  });

  it('opens from the composer with /help', async () => {
    const app = await renderApp(seeded());
    await press(app, '/help', (f) => f.includes('/help'));
    await press(app, keys.enter, (f) => f.includes('Help') && f.includes('Keys'));
  });
});

describe('members overlay', () => {
  it('lists members with fingerprints and verification, and flags a changed key loudly', async () => {
    const engine = seeded();
    const app = await browsing(engine);
    const frame = await press(app, 'm', (f) => f.includes('Members of general (4)'));
    expect(frame).toContain('!! WARNING: the identity key of mallory CHANGED');
    expect(lineWith(frame, '║  mallory')).toContain('!! KEY CHANGED');
    expect(lineWith(frame, 'alice')).toContain('✓ verified');
    expect(lineWith(frame, 'bob')).toContain('unverified');
    expect(lineWith(frame, '║  carol')).toContain('(you)');
    const aliceShort = (fakeFingerprint('alice').match(/.{4}/gu) ?? []).slice(0, 4).join('-');
    expect(lineWith(frame, 'alice')).toContain(aliceShort);
    expect(frame).toContain('Fingerprint of alice:');
  });

  it('marks the selected member verified with v', async () => {
    const engine = seeded();
    const app = await browsing(engine);
    await press(app, 'm', (f) => f.includes('Members of general'));
    const selected = await press(app, 'j', (f) => f.includes('Fingerprint of bob:'));
    expect(lineWith(selected, 'bob')).toMatch(/^║> bob/u);
    const frame = await press(app, 'v', (f) => lineWith(f, 'bob').includes('✓ verified'), 'bob verified');
    expect(engine.callsTo('markVerified')).toEqual([{ method: 'markVerified', args: ['general', 'bob'] }]);
    expect(frame).toContain('✓ marked bob as verified');
    await press(app, keys.escape, (f) => f.includes('▶ Groups'));
  });
});

describe('identity overlay', () => {
  it('shows username and fingerprint groups, and a QR code', async () => {
    const engine = seeded();
    const app = await browsing(engine);
    const frame = await press(app, 'i', (f) => f.includes('My identity') && f.includes('Fingerprint'));
    const groups = engine.self.fingerprintGroups;
    expect(frame).toContain('Username: carol');
    expect(frame).toContain(groups.slice(0, 4).join(' '));
    expect(frame).toContain(groups.slice(12, 16).join(' '));
    expect(frameFits(frame, 80, 24)).toBe(true);
  });

  it('opens with /whoami', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await press(app, '/whoami', (f) => f.includes('/whoami'));
    await press(app, keys.enter, (f) => f.includes('My identity'));
  });
});

describe('create group overlay', () => {
  it('opens with Ctrl-N, takes a name and creates the group', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await press(app, keys.ctrlN, (f) => f.includes('New group'));
    await press(app, 'book club', (f) => f.includes('Name: book club'));
    await press(app, keys.backspace, (f) => f.includes('Name: book clu') && !f.includes('Name: book club'));
    await press(app, 'b', (f) => f.includes('Name: book club'));
    const frame = await press(app, keys.enter, (f) => f.includes('# book club'));
    expect(engine.callsTo('createGroup')).toEqual([{ method: 'createGroup', args: ['book club'] }]);
    expect(frame).toContain('✓ created book club');
  });

  it('refuses an empty name and cancels with Esc', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await press(app, keys.ctrlN, (f) => f.includes('New group'));
    await press(app, keys.enter, (f) => f.includes('✗ a group name is needed'));
    await press(app, keys.escape, (f) => !f.includes('New group'));
    expect(engine.callsTo('createGroup')).toEqual([]);
  });
});

describe('invite overlay', () => {
  it('opens with a, takes a username and invites to the selected group', async () => {
    const engine = seeded();
    const app = await browsing(engine);
    await press(app, 'a', (f) => f.includes('Invite to general'));
    await press(app, 'Dave', (f) => f.includes('Username: Dave'));
    await press(app, keys.enter, (f) => f.includes('✓ invited dave'));
    expect(engine.callsTo('invite')).toEqual([{ method: 'invite', args: ['general', 'dave'] }]);
  });

  it('keeps the dialog open with an error for a bad username', async () => {
    const engine = seeded();
    const app = await browsing(engine);
    await press(app, 'a', (f) => f.includes('Invite to general'));
    await press(app, 'x!', (f) => f.includes('Username: x!'));
    const frame = await press(app, keys.enter, (f) => f.includes('is not a username'));
    expect(frame).toContain('Invite to general');
    expect(engine.callsTo('invite')).toEqual([]);
  });
});

describe('quitting', () => {
  it('quits at once with q when the outbox is empty', async () => {
    const engine = seeded();
    const app = await browsing(engine);
    expect(engine.listenerCount).toBe(1);
    app.stdin.write('q');
    await waitForFrame(app, () => engine.listenerCount === 0, 'the app to unmount');
  });

  it('asks first when the outbox holds messages; n stays, y quits', async () => {
    const engine = seeded();
    engine.outbox = 2;
    const app = await browsing(engine);
    const frame = await press(app, 'q', (f) => f.includes('Quit qpc?'));
    expect(frame).toContain('2 messages still wait in the outbox.');
    await press(app, 'n', (f) => f.includes('▶ Groups'));
    expect(engine.listenerCount).toBe(1);
    await press(app, 'q', (f) => f.includes('Quit qpc?'));
    app.stdin.write('y');
    await waitForFrame(app, () => engine.listenerCount === 0, 'the app to unmount');
  });

  it('asks on Ctrl-C from the composer, and a second Ctrl-C quits', async () => {
    const engine = seeded();
    engine.outbox = 1;
    const app = await renderApp(engine);
    const frame = await press(app, keys.ctrlC, (f) => f.includes('Quit qpc?'));
    expect(frame).toContain('1 message still waits in the outbox.');
    app.stdin.write(keys.ctrlC);
    await waitForFrame(app, () => engine.listenerCount === 0, 'the app to unmount');
  });

  it('asks when the outbox cannot be checked', async () => {
    const engine = seeded();
    engine.failNext('outboxSize', 'STORAGE_LOCKED', 'database is locked');
    const app = await renderApp(engine);
    await press(app, '/quit', (f) => f.includes('/quit'));
    await press(app, keys.enter, (f) => f.includes('The outbox could not be checked'));
  });
});
