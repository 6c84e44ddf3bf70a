/**
 * In a real terminal (tmux), a profile protected by a passphrase is unlocked by typing it at a masked
 * prompt when QPC_PASSPHRASE and QPC_STORE_KEY are not set: no dead end, and the passphrase never shows.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openProfile } from '../../src/engine/client/profile.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { QPC_BIN, removeDir, tempDir } from '../e2e/harness.js';
import { killTmuxServer, requireTmux, TmuxTerminal } from '../tui-e2e/tmuxTerminal.js';

const socket = `qpc-prompt-${process.pid}`;
const dirs: string[] = [];

afterAll(() => {
  killTmuxServer(socket);
  for (const dir of dirs) removeDir(dir);
});

describe('store passphrase prompt', () => {
  it(
    'asks for the passphrase on the terminal, masked, and opens the profile',
    { timeout: 120_000 },
    async () => {
      requireTmux();
      const dir = tempDir('prompt');
      dirs.push(dir);
      const passphrase = 'sesame opens slowly';
      const store = await openProfile({
        dir,
        create: true,
        env: { QPC_PASSPHRASE: passphrase },
        keychain: null,
      });
      QpcEngine.createIdentity(store);
      store.close();

      const env = { QPC_STORE_KEY: '', QPC_PASSPHRASE: '', CI: '' };
      const wrong = TmuxTerminal.start(
        socket,
        'wrong',
        [process.execPath, QPC_BIN, 'whoami', '--profile', dir],
        env,
      );
      await wrong.waitForText('Passphrase of the profile');
      wrong.type('not the one');
      wrong.press('Enter');
      const refused = await wrong.waitForText('qpc exited with 3');
      expect(refused).toContain('QPC_PASSPHRASE');
      expect(refused).not.toContain('not the one');

      const right = TmuxTerminal.start(
        socket,
        'right',
        [process.execPath, QPC_BIN, 'whoami', '--profile', dir],
        env,
      );
      await right.waitForText('Passphrase of the profile');
      right.type(passphrase);
      await right.waitForText('*'.repeat([...passphrase].length));
      right.press('Enter');
      const screen = await right.waitForText('qpc exited with 0');
      expect(screen).toMatch(/store key\s+passphrase/u);
      expect(screen).not.toContain(passphrase);
    },
  );
});
