/** Pending invites in the main screen: announced, listed in an overlay, accepted or declined by key. */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import type { PendingInvite } from './engineApi.js';
import { fakeFingerprint, FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { renderApp } from './testing/renderApp.js';
import type { RenderedApp } from './testing/renderApp.js';
import { keys, press, waitForFrame, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

const invite = (id: string, groupName: string): PendingInvite => ({
  id,
  groupName,
  from: fakeFingerprint(`inviter-${id}`),
  receivedAt: Date.UTC(2026, 10, 22, 8, 15),
});

function seeded(invites: PendingInvite[]): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set('general', [makeMessage('general', 0)]);
  engine.invites = invites;
  return engine;
}

async function browsing(engine: FakeEngine): Promise<RenderedApp> {
  const app = await renderApp(engine, { ready: 'message number 0' });
  await press(app, keys.tab, (f) => f.includes('▶ Groups'));
  return app;
}

describe('pending invites', () => {
  it('invites waiting at start are counted in the group list and announced', async () => {
    const app = await renderApp(seeded([invite('i1', 'ops'), invite('i2', 'family')]), {
      ready: 'message number 0',
    });
    const frame = await waitForText(app, '✉ 2 invites');
    expect(frame).toContain('invite to family waits');
  });

  it('I opens the list; Enter accepts the selected one (by name) and closes it', async () => {
    const engine = seeded([invite('i1', 'ops'), invite('i2', 'family')]);
    const app = await browsing(engine);
    await waitForText(app, '✉ 2 invites');
    let frame = await press(app, 'I', (f) => f.includes('Invites waiting for you (2)'));
    expect(frame).toContain('> ops');
    expect(frame).toContain('family');
    expect(frame).toContain('22 November 2026');
    frame = await press(app, keys.down, (f) => f.includes('> family'));
    await press(app, keys.enter, (f) => !f.includes('Invites waiting for you'));
    await waitForFrame(app, () => engine.callsTo('acceptInvite').length === 1, 'acceptInvite called');
    expect(engine.callsTo('acceptInvite')[0]?.args).toEqual(['family']);
    frame = await waitForText(app, '✉ 1 invite ');
    expect(frame).toContain('joined family');
  });

  it('d declines; the list closes once no invite is left; I then says none wait', async () => {
    const engine = seeded([invite('i1', 'ops')]);
    const app = await browsing(engine);
    await waitForText(app, '✉ 1 invite');
    await press(app, 'I', (f) => f.includes('Invites waiting for you (1)'));
    const frame = await press(app, 'd', (f) => !f.includes('Invites waiting for you') && !f.includes('✉'));
    expect(engine.callsTo('declineInvite')[0]?.args).toEqual(['ops']);
    expect(engine.callsTo('acceptInvite')).toEqual([]);
    expect(frame).not.toContain('✉');
    await press(app, 'I', (f) => f.includes('no invites are waiting'));
  });

  it('an invite that arrives while open is announced with the key that reviews it', async () => {
    const engine = seeded([]);
    const app = await renderApp(engine, { ready: 'message number 0' });
    expect(app.lastFrame()).not.toContain('✉');
    engine.invites = [invite('i9', 'night-shift')];
    engine.emit({ type: 'invitesChanged', invites: engine.invites });
    const frame = await waitForText(app, '✉ 1 invite');
    expect(frame).toContain('invite to night-shift waits: I');
  });
});
