import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { AuthError, CryptoError } from '../../lib/errors.js';
import { FakeEngine } from '../testing/fakeEngine.js';
import { waitForText } from '../testing/waitForFrame.js';
import type { LaunchApi, LaunchNeed } from './launchApi.js';
import { LaunchRoot } from './LaunchRoot.js';

/** A LaunchApi that records what it was given and answers from a script. */
class FakeLaunch implements LaunchApi {
  readonly calls: string[] = [];
  readonly engine = new FakeEngine();
  /** Registrations still to refuse (a taken username) before one succeeds. */
  refuseRegistrations = 0;
  constructor(private readonly first: LaunchNeed) {}
  start(): Promise<LaunchNeed> {
    return Promise.resolve(this.first);
  }
  unlock(passphrase: string): Promise<LaunchNeed> {
    this.calls.push(`unlock ${passphrase}`);
    return Promise.resolve({ kind: 'ready' });
  }
  register(server: string, username: string, password: string, progress: (label: string) => void) {
    this.calls.push(`register ${server} ${username} ${password}`);
    progress('Registering');
    if (this.refuseRegistrations > 0) {
      this.refuseRegistrations -= 1;
      return Promise.reject(new AuthError('USERNAME_TAKEN', 'that username is taken'));
    }
    return Promise.resolve(Array.from({ length: 24 }, (_, index) => `w${index + 1}x`));
  }
  confirmRecoveryWords(): Promise<void> {
    this.calls.push('confirm words');
    return Promise.resolve();
  }
  login(username: string, password: string): Promise<void> {
    this.calls.push(`login ${username} ${password}`);
    return password === 'right password'
      ? Promise.resolve()
      : Promise.reject(new AuthError('WRONG_PASSWORD', 'wrong username or password'));
  }
  restore(
    server: string,
    words: string,
    username: string,
    password: string,
    _progress: (label: string) => void,
    backupFile?: string,
  ) {
    const backup = backupFile === undefined ? '' : ` backup ${backupFile}`;
    this.calls.push(`restore ${server} ${words.split(' ').length} ${username} ${password}${backup}`);
    if (backupFile === 'other.bak') {
      return Promise.reject(
        new CryptoError('BACKUP_WRONG_WORDS', 'these recovery words do not open this backup'),
      );
    }
    return password === 'right password'
      ? Promise.resolve()
      : Promise.reject(new AuthError('WRONG_PASSWORD', 'wrong username or password'));
  }
  open() {
    this.calls.push('open');
    return this.engine;
  }
}

type Rendered = ReturnType<typeof render>;

/** Types `text`, waits until `shown` (the text, or its mask) is on screen, then Enter and waits for `after`. */
async function typeLine(instance: Rendered, text: string, shown: string, after: string): Promise<void> {
  instance.stdin.write(text);
  await waitForText(instance, shown);
  instance.stdin.write('\r');
  await waitForText(instance, after);
}

describe('LaunchRoot', () => {
  it('runs the first run with a masked password, shows the words once, checks one, then the main screen', async () => {
    const launch = new FakeLaunch({ kind: 'firstRun', defaultServer: '127.0.0.1:7443' });
    const instance = render(<LaunchRoot launch={launch} noColor pickWord={() => 7} />);
    await waitForText(instance, '> register a new account');
    await typeLine(instance, '', '> register a new account', 'Server           127.0.0.1:7443');
    await typeLine(instance, '', '> Server', '> Username');
    await typeLine(instance, 'alice', 'Username         alice', '> Password ');
    const masked = await waitForText(instance, '> Password ');
    instance.stdin.write('hunter2hunter2');
    const typed = await waitForText(instance, '**************');
    expect(typed).not.toContain('hunter2');
    expect(masked).not.toContain('hunter2');
    instance.stdin.write('\r');
    await waitForText(instance, '> Password again');
    await typeLine(instance, 'hunter2hunter2', 'Password again   **************', 'Your recovery phrase');
    const words = await waitForText(instance, 'Your recovery phrase');
    expect(words).toContain('24. w24x');
    expect(launch.calls).toEqual(['register 127.0.0.1:7443 alice hunter2hunter2']);
    instance.stdin.write('\r');
    const check = await waitForText(instance, 'type word number 7');
    expect(check).not.toContain('w24x');
    await typeLine(instance, 'w7x', 'Word 7: w7x', launch.engine.self.username);
    expect(launch.calls).toEqual(['register 127.0.0.1:7443 alice hunter2hunter2', 'confirm words', 'open']);
    instance.unmount();
  });

  it('shows the words and checks one after a registration that failed once', async () => {
    const launch = new FakeLaunch({ kind: 'firstRun', defaultServer: '127.0.0.1:7443' });
    launch.refuseRegistrations = 1;
    const instance = render(<LaunchRoot launch={launch} noColor pickWord={() => 2} />);
    await waitForText(instance, '> register a new account');
    await typeLine(instance, '', '> register a new account', '> Server');
    await typeLine(instance, '', '> Server', '> Username');
    await typeLine(instance, 'alice', 'Username         alice', '> Password ');
    await typeLine(instance, 'hunter2hunter2', '*'.repeat(14), '> Password again');
    await typeLine(instance, 'hunter2hunter2', '*'.repeat(14), 'that username is taken');
    await typeLine(instance, '', '> Server', '> Username');
    await typeLine(instance, 'x', 'alicex', '> Password ');
    await typeLine(instance, 'hunter2hunter2', '*'.repeat(14), '> Password again');
    await typeLine(instance, 'hunter2hunter2', '*'.repeat(14), 'Your recovery phrase');
    expect(await waitForText(instance, '24. w24x')).toContain(' 1. w1x');
    instance.stdin.write('\r');
    await waitForText(instance, 'type word number 2');
    await typeLine(instance, 'w2x', 'Word 2: w2x', launch.engine.self.username);
    expect(launch.calls.slice(1)).toEqual([
      'register 127.0.0.1:7443 alicex hunter2hunter2',
      'confirm words',
      'open',
    ]);
    instance.unmount();
  });

  it('asks for the words again at the next launch when they were never confirmed', async () => {
    const words = Array.from({ length: 24 }, (_, index) => `w${index + 1}x`);
    const launch = new FakeLaunch({ kind: 'recoveryWords', words });
    const instance = render(<LaunchRoot launch={launch} noColor pickWord={() => 5} />);
    expect(await waitForText(instance, 'Your recovery phrase')).toContain('24. w24x');
    instance.stdin.write('\r');
    await waitForText(instance, 'type word number 5');
    await typeLine(instance, 'w4x', 'Word 5: w4x', 'that is not word 5');
    expect(launch.calls).toEqual([]);
    await typeLine(instance, 'w5x', 'Word 5: w5x', launch.engine.self.username);
    expect(launch.calls).toEqual(['confirm words', 'open']);
    instance.unmount();
  });

  it('logs in with recovery words: inline word errors, masked password, retry after a wrong one', async () => {
    const launch = new FakeLaunch({ kind: 'firstRun', defaultServer: '127.0.0.1:7443' });
    const instance = render(<LaunchRoot launch={launch} noColor />);
    await waitForText(instance, '> register a new account');
    instance.stdin.write('\u001B[B');
    await waitForText(instance, '> log in with my recovery words');
    instance.stdin.write('\r');
    await typeLine(instance, '', '> Server', '> Recovery words');
    const valid = `${'abandon '.repeat(23)}art`;
    await typeLine(instance, valid.replace('art', 'artz'), 'artz', 'artz');
    const typo = await waitForText(instance, '! ');
    expect(typo).toContain('> Recovery words');
    expect(typo).not.toContain('> Username');
    expect(typo).toContain('artz');
    // Backspace removes the stray "z": the words are valid and Enter moves on.
    instance.stdin.write('\u007F');
    await typeLine(instance, '', 'art', '> Username');
    await typeLine(instance, 'alice', 'Username         alice', '> Password ');
    instance.stdin.write('wrong');
    const masked = await waitForText(instance, '> Password         *****');
    expect(masked).not.toContain('wrong');
    instance.stdin.write('\r');
    await waitForText(instance, 'wrong username or password');
    await typeLine(instance, '', '> Server', '> Recovery words');
    await typeLine(instance, '', '> Recovery words', '> Username');
    await typeLine(instance, '', '> Username', '> Password ');
    await typeLine(instance, 'right password', '*'.repeat(14), launch.engine.self.username);
    expect(launch.calls).toEqual([
      'restore 127.0.0.1:7443 24 alice wrong',
      'restore 127.0.0.1:7443 24 alice right password',
      'open',
    ]);
    instance.unmount();
  });

  it('logs in with recovery words and a backup file: the file is asked, a refusal shows, a retry imports', async () => {
    const launch = new FakeLaunch({ kind: 'firstRun', defaultServer: '127.0.0.1:7443' });
    const instance = render(<LaunchRoot launch={launch} noColor />);
    await waitForText(instance, '> register a new account');
    instance.stdin.write('\u001B[B\u001B[B');
    await waitForText(instance, '> log in with my recovery words and a backup file');
    instance.stdin.write('\r');
    await typeLine(instance, '', '> Server', '> Recovery words');
    await typeLine(instance, `${'abandon '.repeat(23)}art`, 'art', '> Backup file');
    // No file: the screen says so once the last field is confirmed.
    await typeLine(instance, '', '> Backup file', '> Username');
    await typeLine(instance, 'alice', 'Username         alice', '> Password ');
    await typeLine(instance, 'right password', '*'.repeat(14), 'the backup file is needed');
    expect(launch.calls).toEqual([]);
    await typeLine(instance, '', '> Server', '> Recovery words');
    await typeLine(instance, '', '> Recovery words', '> Backup file');
    await typeLine(instance, 'other.bak', 'Backup file      other.bak', '> Username');
    await typeLine(instance, '', '> Username', '> Password ');
    await typeLine(instance, 'right password', '*'.repeat(14), 'do not open this backup');
    await typeLine(instance, '', '> Server', '> Recovery words');
    await typeLine(instance, '', '> Recovery words', '> Backup file');
    instance.stdin.write('\u0015');
    await typeLine(instance, '~/qpc.bak', 'Backup file      ~/qpc.bak', '> Username');
    await typeLine(instance, '', '> Username', '> Password ');
    await typeLine(instance, 'right password', '*'.repeat(14), launch.engine.self.username);
    expect(launch.calls).toEqual([
      'restore 127.0.0.1:7443 24 alice right password backup other.bak',
      'restore 127.0.0.1:7443 24 alice right password backup ~/qpc.bak',
      'open',
    ]);
    instance.unmount();
  });

  it('logs in again after a wrong password', async () => {
    const launch = new FakeLaunch({ kind: 'login', username: 'alice', server: 'chat.example:7443' });
    const instance = render(<LaunchRoot launch={launch} noColor />);
    await waitForText(instance, 'log in as alice');
    await typeLine(instance, 'wrong', '*****', 'wrong username or password');
    await typeLine(instance, 'right password', '*'.repeat(14), launch.engine.self.username);
    expect(launch.calls).toEqual(['login alice wrong', 'login alice right password', 'open']);
    instance.unmount();
  });

  it('unlocks a passphrase profile', async () => {
    const launch = new FakeLaunch({ kind: 'passphrase', creating: false });
    const instance = render(<LaunchRoot launch={launch} noColor />);
    await waitForText(instance, 'unlock');
    await typeLine(instance, 'my long passphrase', '*'.repeat(18), launch.engine.self.username);
    expect(launch.calls[0]).toBe('unlock my long passphrase');
    instance.unmount();
  });
});
