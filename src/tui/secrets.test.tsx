/**
 * The recovery words shown again from the identity overlay (only after the account password) and the
 * encrypted backup from the composer, against the fake engine: typed errors show on the status line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { BackupErrorCode } from '../engine/backup/backupErrors.js';
import { CryptoError } from '../lib/errors.js';
import { FakeEngine, makeGroup, makeMessage } from './testing/fakeEngine.js';
import { renderApp } from './testing/renderApp.js';
import type { RenderedApp } from './testing/renderApp.js';
import { keys, press, waitForFrame, waitForText } from './testing/waitForFrame.js';

process.env.TZ = 'UTC';
afterEach(() => cleanup());

function seeded(): FakeEngine {
  const engine = new FakeEngine();
  engine.groups = [makeGroup('general', { name: 'general', lastActivity: 300 })];
  engine.messages.set('general', [makeMessage('general', 0)]);
  return engine;
}

async function identity(engine: FakeEngine): Promise<RenderedApp> {
  const app = await renderApp(engine);
  await waitForText(app, 'message number 0');
  await press(app, keys.tab, (f) => f.includes('▶ Groups'));
  await press(app, 'i', (f) => f.includes('Username: carol'));
  return app;
}

async function command(app: RenderedApp, text: string, until: (frame: string) => boolean): Promise<string> {
  await press(app, text, (f) => f.includes(text));
  return press(app, keys.enter, until);
}

describe('recovery words in the identity overlay', () => {
  it('asks for the password, refuses a wrong one, shows the words, and forgets them on Esc', async () => {
    const engine = seeded();
    const app = await identity(engine);
    let frame = await press(app, 'r', (f) => f.includes('Account password'));
    expect(frame).not.toContain('word1');
    await press(app, 'guess', (f) => f.includes('*****'));
    frame = await press(app, keys.enter, (f) => f.includes('AUTH_FAILED'));
    expect(frame).not.toContain('word1');
    expect(frame).not.toContain('guess');
    await press(app, engine.accountPassword, (f) => f.includes('*'.repeat(engine.accountPassword.length)));
    frame = await press(app, keys.enter, (f) => f.includes('My recovery words'));
    expect(frame).toContain(' 1. word1');
    expect(frame).toContain('24. word24');
    expect(engine.callsTo('revealRecoveryWords').map((call) => call.args[0])).toEqual([
      'guess',
      engine.accountPassword,
    ]);
    frame = await press(app, keys.escape, (f) => !f.includes('My recovery words'));
    expect(frame).not.toContain('word1');
  });
});

describe('/backup', () => {
  it('exports to the named file and says what went in', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    const frame = await command(app, '/backup export ~/qpc backup.bak', (f) => f.includes('exported'));
    expect(frame).toContain('exported 2 contacts, 3 settings, 40 messages to ~/qpc backup.bak');
    expect(engine.callsTo('exportBackup')[0]?.args).toEqual(['~/qpc backup.bak', {}]);
  });

  it('asks for the words when the profile keeps none, then exports with them', async () => {
    const engine = seeded();
    engine.failNextWith(
      'exportBackup',
      new CryptoError(BackupErrorCode.wordsNeeded, 'this profile keeps no recovery words'),
    );
    const app = await renderApp(engine);
    await command(app, '/backup export old.bak', (f) => f.includes('Export backup old.bak'));
    await press(app, 'w1 w2', (f) => f.includes('Recovery words: *****'));
    await press(app, keys.enter, (f) => f.includes('exported 2 contacts'));
    expect(engine.callsTo('exportBackup')[1]?.args).toEqual(['old.bak', { words: 'w1 w2' }]);
  });

  it('imports after the words, shows a typed refusal and keeps asking, then reloads the history', async () => {
    const engine = seeded();
    const app = await renderApp(engine);
    await waitForText(app, 'message number 0');
    let frame = await command(app, '/backup import in.bak', (f) => f.includes('Import backup in.bak'));
    expect(engine.callsTo('importBackup')).toEqual([]);
    engine.failNextWith(
      'importBackup',
      new CryptoError(BackupErrorCode.wrongWords, 'these recovery words do not open this backup'),
    );
    await press(app, 'wrong words', (f) => f.includes('***********'));
    frame = await press(app, keys.enter, (f) => f.includes('BACKUP_WRONG_WORDS'));
    expect(frame).toContain('Import backup in.bak');
    expect(frame).not.toContain('wrong words');
    engine.messages.set('general', [
      makeMessage('general', 0),
      makeMessage('general', 1, { text: 'restored' }),
    ]);
    await press(app, 'right words', (f) => f.includes('***********'));
    frame = await press(app, keys.enter, (f) => f.includes('imported 2 contacts, 3 settings, 40 messages'));
    await waitForFrame(app, (f) => f.includes('restored'), 'the restored history');
    expect(engine.callsTo('importBackup').map((call) => call.args)).toEqual([
      ['in.bak', 'wrong words'],
      ['in.bak', 'right words'],
    ]);
  });

  it('explains a malformed command', async () => {
    const app = await renderApp(seeded());
    const frame = await command(app, '/backup save x', (f) => f.includes('export or import?'));
    expect(frame).toContain('usage: /backup export|import FILE');
  });
});
