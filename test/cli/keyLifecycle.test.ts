/**
 * `qpc profile rekey` and `qpc keys show-recovery` as a user runs them (the real bin, a real SQLCipher
 * profile, a real qpc-server for the OPAQUE login that show-recovery needs):
 * - after a rekey the old store key opens nothing, the new one (raw key or passphrase) opens everything;
 * - the recovery words are printed only after the right account password; a wrong password, or no
 *   password at all, is refused and prints no word.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  removeDir,
  runQpc,
  startServer,
  tempDir,
  TEST_STORE_KEY,
  type RunningServer,
} from '../e2e/harness.js';

describe('qpc profile rekey and qpc keys show-recovery', () => {
  const dirs: string[] = [];
  let server: RunningServer;
  let profile: string;
  let words: string[];

  beforeAll(async () => {
    const dataDir = tempDir('server');
    profile = tempDir('alice');
    dirs.push(dataDir, profile);
    server = await startServer(dataDir);
    const registered = await runQpc(
      [
        '--profile',
        profile,
        '--server',
        server.address,
        'account',
        'register',
        'alice',
        '--password-stdin',
        '--show-recovery-words',
      ],
      { stdin: 'alice password\n' },
    );
    expect(registered.code).toBe(0);
    words = (/^recovery words: (.+)$/mu.exec(registered.stdout)?.[1] ?? '').split(' ');
    expect(words).toHaveLength(24);
  }, 120_000);

  afterAll(async () => {
    await server.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  // A single recovery word may be an ordinary English word of the message ("add", "run"), so what must
  // never appear is two of them side by side in the phrase's order: any print of the phrase does that.
  const showsNoWord = (text: string): boolean => {
    const spoken = ` ${text.split(/\s+/u).join(' ')} `;
    return words.slice(1).every((word, index) => !spoken.includes(` ${words[index]} ${word} `));
  };

  it('shows the recovery words only after the account password', { timeout: 120_000 }, async () => {
    const wrong = await runQpc(['--profile', profile, 'keys', 'show-recovery', '--password-stdin'], {
      stdin: 'not the password\n',
    });
    expect(wrong.code).toBe(3);
    expect(wrong.stdout).toBe('');
    expect(showsNoWord(wrong.stderr)).toBe(true);

    // No terminal and no --password-stdin: refused before anything is read.
    const unasked = await runQpc(['--profile', profile, 'keys', 'show-recovery'], {
      stdin: 'alice password\n',
    });
    expect(unasked.code).toBe(2);
    expect(unasked.stdout).toBe('');
    expect(showsNoWord(unasked.stderr)).toBe(true);

    const right = await runQpc(['--profile', profile, 'keys', 'show-recovery', '--password-stdin'], {
      stdin: 'alice password\n',
    });
    expect(right.stderr).toBe('');
    expect(right.code).toBe(0);
    expect(right.stdout.trim()).toBe(words.join(' '));
  });

  it(
    'after a rekey the old key opens nothing and the new one opens everything',
    { timeout: 120_000 },
    async () => {
      const before = await runQpc(['--profile', profile, 'whoami', '--json']);
      expect(before.code).toBe(0);
      const identity = JSON.parse(before.stdout) as { username: string; fingerprint: string };
      expect(identity.username).toBe('alice');

      // To another raw key.
      const newKey = randomBytes(32).toString('hex');
      const rekeyed = await runQpc(
        ['--profile', profile, 'profile', 'rekey', '--to', 'raw', '--new-secret-stdin'],
        {
          stdin: `${newKey}\n`,
        },
      );
      expect(rekeyed.stderr).toBe('');
      expect(rekeyed.code).toBe(0);
      const withOld = await runQpc(['--profile', profile, 'whoami', '--json']);
      expect(withOld.code).not.toBe(0);
      expect(withOld.stdout).toBe('');
      const withNew = await runQpc(['--profile', profile, 'whoami', '--json'], {
        env: { QPC_STORE_KEY: newKey },
      });
      expect(withNew.code).toBe(0);
      expect(JSON.parse(withNew.stdout)).toMatchObject(identity);

      // Then to a passphrase: neither raw key opens it, the passphrase does, and the account still works.
      const passphrase = 'a long store passphrase';
      const toPassphrase = await runQpc(
        ['--profile', profile, 'profile', 'rekey', '--to', 'passphrase', '--new-secret-stdin'],
        { stdin: `${passphrase}\n`, env: { QPC_STORE_KEY: newKey } },
      );
      expect(toPassphrase.code).toBe(0);
      for (const key of [TEST_STORE_KEY, newKey]) {
        const refused = await runQpc(['--profile', profile, 'whoami', '--json'], {
          env: { QPC_STORE_KEY: key },
        });
        expect(refused.code).not.toBe(0);
        expect(refused.stdout).toBe('');
      }
      const opened = await runQpc(['--profile', profile, 'keys', 'show-recovery', '--password-stdin'], {
        stdin: 'alice password\n',
        env: { QPC_STORE_KEY: '', QPC_PASSPHRASE: passphrase },
      });
      expect(opened.stderr).toBe('');
      expect(opened.code).toBe(0);
      expect(opened.stdout.trim()).toBe(words.join(' '));
    },
  );
});
