import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingKey } from '../../engine/client/clientContext.js';
import { openProfile } from '../../engine/client/profile.js';
import { QpcEngine } from '../../engine/qpcEngine.js';
import { TuiLaunch } from './tuiLaunch.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'qpc-tui-launch-'));
  dirs.push(dir);
  return dir;
};
const noProgress = (): void => undefined;

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('TuiLaunch', () => {
  it('proposes the local server on a new profile, or the one given with --server', async () => {
    const env = { QPC_STORE_KEY: randomBytes(32).toString('hex') };
    const local = new TuiLaunch({ profileDir: tempDir(), env, localPort: 17999 });
    expect(await local.start(noProgress)).toEqual({ kind: 'firstRun', defaultServer: '127.0.0.1:17999' });
    await local.close();
    const given = new TuiLaunch({ profileDir: tempDir(), env, server: 'chat.example:7443' });
    expect(await given.start(noProgress)).toEqual({ kind: 'firstRun', defaultServer: 'chat.example:7443' });
    await given.close();
  });

  it("proposes the settings' default server on a first run; --server wins over it", async () => {
    const env = { QPC_STORE_KEY: randomBytes(32).toString('hex') };
    let asked = 0;
    const defaultServer = () => {
      asked += 1;
      return Promise.resolve('chat.example.org:7443');
    };
    const configured = new TuiLaunch({ profileDir: tempDir(), env, localPort: 17999, defaultServer });
    expect(await configured.start(noProgress)).toEqual({
      kind: 'firstRun',
      defaultServer: 'chat.example.org:7443',
    });
    await configured.close();
    const given = new TuiLaunch({ profileDir: tempDir(), env, server: 'other.example:7443', defaultServer });
    expect(await given.start(noProgress)).toEqual({ kind: 'firstRun', defaultServer: 'other.example:7443' });
    await given.close();
    expect(asked).toBe(1);
  });

  it('goes to the main screen with a live session and asks for the password when it has expired', async () => {
    const env = { QPC_STORE_KEY: randomBytes(32).toString('hex') };
    const dir = tempDir();
    const store = await openProfile({ dir, create: true, env });
    QpcEngine.createIdentity(store);
    const record = store.identity.load();
    if (record === undefined) throw new Error('no identity');
    store.identity.save({ ...record, username: 'alice' });
    store.settings.set(SettingKey.server, 'chat.example:7443');
    store.settings.set(SettingKey.sessionToken, '00'.repeat(32));
    store.settings.set(SettingKey.sessionExpiresAt, String(Date.now() + 60_000));
    store.close();

    const live = new TuiLaunch({ profileDir: dir, env });
    expect(await live.start(noProgress)).toEqual({ kind: 'ready' });
    await live.close();

    const again = await openProfile({ dir, create: false, env });
    again.settings.set(SettingKey.sessionExpiresAt, String(Date.now() - 1));
    again.close();
    const expired = new TuiLaunch({ profileDir: dir, env });
    expect(await expired.start(noProgress)).toEqual({
      kind: 'login',
      username: 'alice',
      server: 'chat.example:7443',
    });
    await expired.close();
  });

  it(
    'protects a new profile with a passphrase and refuses a wrong one later',
    { timeout: 30_000 },
    async () => {
      const dir = tempDir();
      const first = new TuiLaunch({ profileDir: dir, env: {} });
      expect(await first.unlock('a long passphrase', noProgress)).toMatchObject({ kind: 'firstRun' });
      await first.close();

      const later = new TuiLaunch({ profileDir: dir, env: {} });
      expect(await later.start(noProgress)).toEqual({ kind: 'passphrase', creating: false });
      await expect(later.unlock('not the passphrase', noProgress)).rejects.toMatchObject({
        code: expect.stringMatching(/PASSPHRASE/u) as unknown,
      });
      expect(await later.unlock('a long passphrase', noProgress)).toMatchObject({ kind: 'firstRun' });
      await later.close();
    },
  );
});
