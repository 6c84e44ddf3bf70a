/**
 * The command line as scripts and people type it, through the real bin: global options on either side
 * of the command, --version, help that never acts, usage errors (exit 2), the settings file, and
 * store-key errors that say which variables to set.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openProfile } from '../../src/engine/client/profile.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { QPC_BIN, TEST_STORE_KEY, removeDir, tempDir } from '../e2e/harness.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function qpc(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [QPC_BIN, ...args], {
      env: { ...process.env, QPC_STORE_KEY: TEST_STORE_KEY, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

/** A profile with an identity (no account), opened with the test's raw key. */
async function profileWithIdentity(): Promise<{ dir: string; fingerprint: string }> {
  const dir = tempDir('cli-profile');
  dirs.push(dir);
  const store = await openProfile({ dir, create: true, env: { QPC_STORE_KEY: TEST_STORE_KEY } });
  try {
    QpcEngine.createIdentity(store);
    const engine = new QpcEngine({ store });
    const fingerprint = (await engine.whoami()).fingerprint;
    await engine.close();
    return { dir, fingerprint };
  } finally {
    store.close();
  }
}

describe('qpc command line', () => {
  it('takes global options before or after the command', async () => {
    const { dir, fingerprint } = await profileWithIdentity();
    for (const args of [
      ['--profile', dir, 'whoami', '--json'],
      ['whoami', '--profile', dir, '--json'],
      ['whoami', '--json', `--profile=${dir}`],
    ]) {
      const run = await qpc(args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect((JSON.parse(run.stdout) as { fingerprint: string }).fingerprint).toBe(fingerprint);
    }
  });

  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    for (const flag of ['--version', '-V']) {
      const run = await qpc([flag]);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(version);
    }
  });

  it('server repin --help shows help and keeps the pin; without --help the pin goes', async () => {
    const { dir } = await profileWithIdentity();
    const server = '127.0.0.1:7999';
    const pin = 'ab'.repeat(32);
    const store = await openProfile({ dir, create: false, env: { QPC_STORE_KEY: TEST_STORE_KEY } });
    store.serverPins.set(server, pin, Date.now());
    store.settings.set('server', server);
    store.close();
    const pinned = async () => {
      const reopened = await openProfile({ dir, create: false, env: { QPC_STORE_KEY: TEST_STORE_KEY } });
      try {
        return reopened.serverPins.get(server);
      } finally {
        reopened.close();
      }
    };

    for (const args of [
      ['server', 'repin', '--help', '--profile', dir],
      ['--profile', dir, 'server', 'repin', '-h'],
      ['server', 'help', 'repin'],
      ['help', 'server'],
    ]) {
      const help = await qpc(args);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout).toMatch(/Usage: qpc server/u);
      expect(await pinned()).toBe(pin);
    }

    const repin = await qpc(['server', 'repin', '--profile', dir]);
    expect(repin.code, repin.stderr).toBe(0);
    expect(repin.stdout).toContain(`forgot the pinned certificate of ${server}`);
    expect(await pinned()).toBeUndefined();
  });

  it('a command group without its subcommand, a missing argument or an unknown option is exit 2', async () => {
    for (const args of [
      ['group'],
      ['account'],
      ['config'],
      ['group', 'kick', 'team'],
      ['whoami', '--frob'],
    ]) {
      const run = await qpc(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).not.toBe('');
    }
  });

  it('lists every command in the help, the new ones included', async () => {
    const run = await qpc(['--help']);
    expect(run.code).toBe(0);
    for (const name of ['account', 'logout', 'group', 'send', 'receive', 'history', 'config', 'verify']) {
      expect(run.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'mu'));
    }
    const group = await qpc(['group', '--help']);
    for (const name of ['create', 'invite', 'kick', 'leave', 'rotate', 'list', 'members']) {
      expect(group.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'mu'));
    }
  });
});

describe('qpc config', () => {
  it('sets, gets and lists settings in a plain JSON file, refusing bad values', async () => {
    const configDir = tempDir('config');
    dirs.push(configDir);
    const env = { QPC_CONFIG_DIR: configDir };
    const listed = await qpc(['config', 'list', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual({
      theme: 'auto',
      notifications: 'auto',
      defaultServer: '',
      timeFormat: '24h',
      autoLockMinutes: 15,
    });

    expect((await qpc(['config', 'set', 'theme', 'dark'], env)).code).toBe(0);
    expect((await qpc(['config', 'set', 'defaultServer', 'chat.example.org:7443'], env)).code).toBe(0);
    const theme = await qpc(['config', 'get', 'theme'], env);
    expect(theme.stdout.trim()).toBe('dark');
    const file = JSON.parse(readFileSync(join(configDir, 'config.json'), 'utf8')) as Record<string, string>;
    expect(file).toEqual({ theme: 'dark', defaultServer: 'chat.example.org:7443' });

    const badValue = await qpc(['config', 'set', 'theme', 'purple'], env);
    expect(badValue.code).toBe(2);
    expect(badValue.stderr).toContain('theme takes auto | dark | light | high-contrast | mono');
    const badKey = await qpc(['config', 'get', 'colour'], env);
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toContain('"colour" is not a setting');
    const badServer = await qpc(['config', 'set', 'defaultServer', 'no port here'], env);
    expect(badServer.code).toBe(2);
  });

  it('reports a hand-edited mistake with the file and the key instead of clearing it', async () => {
    const configDir = tempDir('config-bad');
    dirs.push(configDir);
    const path = join(configDir, 'config.json');
    writeFileSync(path, JSON.stringify({ theme: 'dark', timeFormat: '25h' }));
    const run = await qpc(['config', 'list'], { QPC_CONFIG_DIR: configDir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toContain('timeFormat');
    expect(readFileSync(path, 'utf8')).toContain('25h');

    writeFileSync(path, '{ not json');
    const broken = await qpc(['config', 'get', 'theme'], { QPC_CONFIG_DIR: configDir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('is not valid JSON');
  });
});

describe('store key errors', () => {
  it('a passphrase profile without a terminal or QPC_PASSPHRASE names both variables', async () => {
    const dir = tempDir('cli-passphrase');
    dirs.push(dir);
    const store = await openProfile({
      dir,
      create: true,
      env: { QPC_PASSPHRASE: 'a long passphrase' },
      keychain: null,
    });
    store.close();
    const run = await qpc(['whoami', '--profile', dir], { QPC_STORE_KEY: '', QPC_PASSPHRASE: '' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('QPC_PASSPHRASE');
    expect(run.stderr).toContain('QPC_STORE_KEY');

    const wrong = await qpc(['whoami', '--profile', dir], {
      QPC_STORE_KEY: '',
      QPC_PASSPHRASE: 'not it at all',
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('QPC_PASSPHRASE');
    expect(wrong.stderr).toContain('QPC_STORE_KEY');
  });
});
