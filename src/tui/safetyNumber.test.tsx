/** The safety-number overlay and held sends, against the fake engine. */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { ConflictError } from '../lib/errors.js';
import { fakeFingerprint, FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { frameFits, renderApp } from './testing/renderApp.js';
import type { RenderedApp } from './testing/renderApp.js';
import { keys, press, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set('general', [makeMessage('general', 0)]);
  engine.members.set('general', [
    { username: 'bob', fingerprint: fakeFingerprint('bob'), verification: 'unverified', self: false },
    { username: 'carol', fingerprint: fakeFingerprint('carol'), verification: 'verified', self: true },
    { username: 'mallory', fingerprint: fakeFingerprint('m2'), verification: 'changed', self: false },
  ]);
  return engine;
}

async function membersOpen(engine: FakeEngine, rows = 24): Promise<RenderedApp> {
  const app = await renderApp(engine, { rows });
  await waitForText(app, 'message number 0');
  await press(app, keys.tab, (f) => f.includes('▶ Groups'));
  await press(app, 'm', (f) => f.includes('Fingerprint of bob'));
  return app;
}

describe('safety-number overlay', () => {
  it("shows the engine's 12 groups of 5 digits and the QR text for the selected member", async () => {
    const engine = seeded();
    // The code of a 65-byte payload is 20 rows: it fits from 26 rows up.
    const app = await membersOpen(engine, 30);
    const frame = await press(app, 's', (f) => f.includes('Safety number with bob') && f.includes('▀'));
    expect(frameFits(frame, 80, 30)).toBe(true);
    const view = await engine.safetyNumber('bob');
    expect(view.groups).toHaveLength(12);
    const qrLines = view.qr.split('\n').filter((line) => line.trim() !== '');
    expect(qrLines.length).toBeGreaterThan(10);
    for (const line of qrLines) expect(frame).toContain(line.trimEnd());
    for (const group of view.groups) {
      expect(group).toMatch(/^\d{5}$/u);
      expect(frame).toContain(group);
    }
    expect(frame).toContain("compare with bob's screen; press v to mark verified, Esc to close");
    expect(frame).not.toContain('KEY CHANGED');
    expect(engine.callsTo('safetyNumber')[0]?.args).toEqual(['bob']);
  });

  it('v marks the member verified; Esc goes back to the members list on the same row', async () => {
    const engine = seeded();
    const app = await membersOpen(engine);
    await press(app, 's', (f) => f.includes('not verified yet'));
    await press(app, 'v', (f) => f.includes('✓ marked bob as verified') && f.includes('✓ verified'));
    expect(engine.callsTo('markVerified')[0]?.args).toEqual(['general', 'bob']);
    const frame = await press(app, keys.escape, (f) => f.includes('Fingerprint of bob'));
    expect(frame).toContain('> bob');
  });

  it('for a changed key warns loudly, and a acknowledges it so sending is no longer held', async () => {
    const engine = seeded();
    const app = await membersOpen(engine);
    await press(app, keys.down + keys.down, (f) => f.includes('Fingerprint of mallory'));
    const frame = await press(app, 's', (f) => f.includes('Safety number with mallory'));
    expect(frame).toContain('!! WARNING: the identity key of mallory CHANGED');
    expect(frame).toContain('Sending to groups with mallory is held');
    expect(frame).toContain('a accept the new key');
    await press(app, 'a', (f) => f.includes('✓ accepted the new key of mallory; sending is no longer held'));
    const after = await waitForText(app, 'not verified yet');
    expect(after).not.toContain('CHANGED');
    expect(engine.callsTo('acknowledgeKeyChange')[0]?.args).toEqual(['mallory']);
    const members = await press(app, keys.escape, (f) => f.includes('Fingerprint of mallory'));
    expect(members).not.toContain('KEY CHANGED');
  });

  it('a does nothing to a key that did not change', async () => {
    const engine = seeded();
    const app = await membersOpen(engine);
    await press(app, 's', (f) => f.includes('not verified yet'));
    await press(app, 'a', (f) => f.includes('the key of bob did not change'));
    expect(engine.callsTo('acknowledgeKeyChange')).toEqual([]);
  });

  it('says how to see the QR code when the terminal is too short for it', async () => {
    const engine = seeded();
    const app = await membersOpen(engine);
    const frame = await press(
      app,
      's',
      (f) => f.includes('Safety number with bob') && f.includes('QR code needs'),
    );
    expect(frameFits(frame, 80, 24)).toBe(true);
    expect(frame).toContain('run qpc safety-number bob');
    expect(frame).toContain((await engine.safetyNumber('bob')).groups[11]);
  });

  it('does not open for yourself', async () => {
    const engine = seeded();
    const app = await membersOpen(engine);
    await press(app, keys.down, (f) => f.includes('Fingerprint of carol'));
    await press(app, 's', (f) => f.includes('a safety number is computed with another member'));
    expect(engine.callsTo('safetyNumber')).toEqual([]);
  });

  it("shows the engine's error when the safety number cannot be computed", async () => {
    const engine = seeded();
    engine.failNext('safetyNumber', 'NOT_CONNECTED', 'verification needs the server directory');
    const app = await membersOpen(engine);
    await press(app, 's', (f) => f.includes('✗ verification needs the server directory (NOT_CONNECTED)'));
  });
});

describe('/safety USER', () => {
  it('opens the safety number from the composer; Esc goes back to the panes', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 0');
    await press(app, '/safety Bob', (f) => f.includes('/safety Bob'));
    await press(
      app,
      keys.enter,
      (f) => f.includes('Safety number with bob') && f.includes('not verified yet'),
    );
    expect(engine.callsTo('safetyNumber')[0]?.args).toEqual(['bob']);
    const frame = await press(app, keys.escape, (f) => f.includes('message number 0'));
    expect(frame).not.toContain('Members of');
  });

  it('refuses your own name without asking the engine', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 0');
    await press(app, '/safety carol', (f) => f.includes('/safety carol'));
    await press(app, keys.enter, (f) => f.includes('a safety number is computed with another user'));
    expect(engine.callsTo('safetyNumber')).toEqual([]);
  });
});

describe('held sends', () => {
  it("shows the engine's message, code and hint when a send is held by a key change", async () => {
    const engine = seeded();
    engine.failNextWith(
      'send',
      new ConflictError(
        'SEND_HELD_KEY_CHANGED',
        'sending is held: the identity key of mallory changed since you verified it',
        { hint: 'compare safety numbers again, then run: qpc verify mallory --acknowledge' },
      ),
    );
    // Wide enough that the whole status line is visible (at 80 columns it is cut at the edge).
    const app = await renderApp(engine, { columns: 220 });
    await waitForText(app, 'message number 0');
    await press(app, 'hi', (f) => f.includes('▶ hi'));
    const frame = await press(app, keys.enter, (f) => f.includes('SEND_HELD_KEY_CHANGED'));
    const status = frame.split('\n').find((line) => line.includes('SEND_HELD_KEY_CHANGED')) ?? '';
    expect(status).toContain('✗ sending is held: the identity key of mallory changed since you verified it');
    expect(status).toContain('compare safety numbers again, then run: qpc verify mallory --acknowledge');
  });
});
