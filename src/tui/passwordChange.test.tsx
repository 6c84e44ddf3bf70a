/**
 * /password against the fake engine: the current password, then the new one twice, in masked fields;
 * the rules of `qpc account password` refuse a short or mismatched password before the engine is called,
 * and a wrong current password comes back as the engine's typed error.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { helpLines } from './helpContent.js';
import { FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { renderApp } from './testing/renderApp.js';
import type { RenderedApp } from './testing/renderApp.js';
import { keys, press, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set('general', [makeMessage('general', 0)]);
  return engine;
}

async function openPassword(engine: FakeEngine): Promise<RenderedApp> {
  const app = await renderApp(engine);
  await waitForText(app, 'message number 0');
  await press(app, '/password', (f) => f.includes('/password'));
  await press(app, keys.enter, (f) => f.includes('Current password:'));
  return app;
}

async function answer(app: RenderedApp, secret: string, until: (frame: string) => boolean): Promise<string> {
  await press(app, secret, (f) => f.includes('*'.repeat(secret.length)));
  return press(app, keys.enter, until);
}

describe('/password', () => {
  it('asks the current password and the new one twice, masked, and changes it', async () => {
    const engine = seeded();
    const app = await openPassword(engine);
    let frame = await answer(app, engine.accountPassword, (f) => f.includes('New password:'));
    expect(frame).not.toContain(engine.accountPassword);
    frame = await answer(app, 'a much better one', (f) => f.includes('New password again:'));
    expect(frame).not.toContain('a much better one');
    frame = await answer(app, 'a much better one', (f) => f.includes('password changed'));
    expect(frame).toContain('1 other session(s) ended');
    expect(frame).not.toContain('Change my account password');
    expect(engine.callsTo('changePassword').map((call) => call.args)).toEqual([
      ['correct horse', 'a much better one'],
    ]);
  });

  it('refuses a short password and two different ones before calling the engine', async () => {
    const engine = seeded();
    const app = await openPassword(engine);
    await answer(app, engine.accountPassword, (f) => f.includes('New password:'));
    let frame = await answer(app, 'short', (f) => f.includes('at least 8 characters'));
    expect(frame).toContain('New password:');
    frame = await answer(app, engine.accountPassword, (f) =>
      f.includes('the new password is the current one'),
    );
    await answer(app, 'first choice!', (f) => f.includes('New password again:'));
    frame = await answer(app, 'second choice', (f) => f.includes('the two passwords differ'));
    // Both new ones are asked again; the current one is kept.
    expect(frame).toContain('New password:');
    expect(frame).not.toContain('New password again:');
    await answer(app, 'third choice!', (f) => f.includes('New password again:'));
    await answer(app, 'third choice!', (f) => f.includes('password changed'));
    expect(engine.callsTo('changePassword').map((call) => call.args)).toEqual([
      ['correct horse', 'third choice!'],
    ]);
  });

  it('shows a wrong current password as the typed error and starts again', async () => {
    const engine = seeded();
    const app = await openPassword(engine);
    await answer(app, 'not the password', (f) => f.includes('New password:'));
    await answer(app, 'brand new secret', (f) => f.includes('New password again:'));
    const frame = await answer(app, 'brand new secret', (f) => f.includes('AUTH_FAILED'));
    expect(frame).toContain('Current password:');
    expect(frame).not.toContain('*'.repeat(3));
    expect(engine.accountPassword).toBe('correct horse');
    await press(app, keys.escape, (f) => !f.includes('Change my account password'));
  });

  it('is listed in the help', () => {
    expect(helpLines().some((line) => line.includes('/password') && line.includes('account password'))).toBe(
      true,
    );
  });
});
