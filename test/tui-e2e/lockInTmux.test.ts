/**
 * Lock and unlock of the real `qpc` in tmux against a real qpc-server: alice's full-screen client shows
 * bob's message, `/lock` replaces the screen with the unlock prompt (no message text, no group name left
 * on it), bob sends while she is locked, a wrong password is refused and the screen stays locked, the
 * right one logs in again and the message sent meanwhile shows. Prints how long the lock and the unlock
 * took as seen on the screen (polled every 50 ms, so coarse: the figures are for the report, not checked).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runQpc, startServer, TEST_STORE_KEY, type RunningServer } from '../e2e/harness.js';
import { killTmuxServer, requireTmux, TmuxTerminal } from './tmuxTerminal.js';

const QPC_BIN = new URL('../../bin/qpc.js', import.meta.url).pathname;

describe('lock in a real terminal', () => {
  const socket = `qpc-lock-${process.pid}`;
  const root = mkdtempSync(join(tmpdir(), 'qpc-tui-lock-'));
  const profiles = { alice: join(root, 'alice'), bob: join(root, 'bob') };
  let server: RunningServer | undefined;

  beforeAll(async () => {
    requireTmux();
    server = await startServer(join(root, 'server'));
  }, 120_000);

  afterAll(async () => {
    killTmuxServer(socket);
    await server?.kill('SIGTERM');
    rmSync(root, { recursive: true, force: true });
  });

  it(
    'locks, hides the chat, refuses a wrong password, unlocks and catches up',
    { timeout: 300_000 },
    async () => {
      const address = server?.address ?? '';
      const bob = (...args: string[]) => runQpc([...args, '--profile', profiles.bob, '--server', address]);
      for (const [name, dir] of Object.entries(profiles)) {
        const registered = await runQpc(
          // --show-recovery-words confirms them, so the first full-screen start goes to the main screen.
          [
            'account',
            'register',
            name,
            '--password-stdin',
            '--show-recovery-words',
            '--server',
            address,
            '--profile',
            dir,
          ],
          { stdin: `${name} password\n` },
        );
        expect(registered.code, registered.stderr).toBe(0);
      }
      expect((await bob('group', 'create', 'hideout')).code).toBe(0);
      const invited = await bob('group', 'invite', 'hideout', 'alice');
      expect(invited.code, invited.stderr).toBe(0);

      const alice = TmuxTerminal.start(
        socket,
        'alice',
        [process.execPath, QPC_BIN, '--profile', profiles.alice],
        {
          QPC_STORE_KEY: TEST_STORE_KEY,
          QPC_CONFIG_DIR: join(root, 'config'),
          TERM: 'xterm-256color',
        },
      );
      await alice.waitForText(`● online ${address} · alice`, 120_000);
      await alice.waitForText('hideout', 60_000);
      expect((await bob('send', 'hideout', 'the plan stays between us')).code).toBe(0);
      await alice.waitForText('the plan stays between us', 60_000);

      alice.type('/lock');
      await alice.waitForText('/lock');
      const lockStarted = Date.now();
      alice.press('Enter');
      const locked = await alice.waitFor(
        (screen) => screen.includes('quicprochat · locked') && screen.includes('> Password'),
        'the unlock prompt',
      );
      const lockMs = Date.now() - lockStarted;
      for (const chat of ['the plan stays between us', 'hideout', 'bob']) expect(locked).not.toContain(chat);

      const sent = await bob('send', 'hideout', 'sent while alice was locked');
      expect(sent.code, sent.stderr).toBe(0);

      alice.type('not her password');
      await alice.waitForText('*'.repeat('not her password'.length));
      alice.press('Enter');
      const refused = await alice.waitForText('wrong username or password', 120_000);
      expect(refused).toContain('quicprochat · locked');
      expect(refused).not.toContain('sent while alice was locked');

      alice.type('alice password');
      await alice.waitForText('*'.repeat('alice password'.length));
      const unlockStarted = Date.now();
      alice.press('Enter');
      const back = await alice.waitForText('sent while alice was locked', 120_000);
      const unlockMs = Date.now() - unlockStarted;
      expect(back).toContain('the plan stays between us');
      expect(back).not.toContain('quicprochat · locked');
      console.log(`lock in tmux: lock ${lockMs} ms, unlock to the caught-up message ${unlockMs} ms`);

      alice.press('C-c');
      await alice.waitForText('qpc exited with 0', 60_000);
    },
  );
});
