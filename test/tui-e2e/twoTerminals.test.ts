/**
 * Two real `qpc` processes in tmux against a real qpc-server on loopback. Alice follows the README:
 * `qpc` with nothing else, so it starts the local server in the background and walks her through the
 * first run (server, account, masked password, recovery words and the check of one of them). Bob
 * registers with `qpc account register`, then opens `qpc`. Alice creates a group and invites bob; her
 * message appears on bob's screen; the fingerprint bob's member screen shows for alice is the one
 * `qpc whoami` prints for alice's profile.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killTmuxServer, requireTmux, TmuxTerminal } from './tmuxTerminal.js';

const QPC_BIN = new URL('../../bin/qpc.js', import.meta.url).pathname;

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function runQpc(
  args: string[],
  env: Record<string, string>,
  stdin = '',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [QPC_BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** The 24 words of the recovery screen, by number. */
function recoveryWords(screen: string): Map<number, string> {
  return new Map(
    [...screen.matchAll(/(\d+)\. ([a-z]+)/gu)].map((match) => [Number(match[1]), match[2] ?? '']),
  );
}

describe('qpc in two real terminals', () => {
  const socket = `qpc-e2e-${process.pid}`;
  const root = mkdtempSync(join(tmpdir(), 'qpc-tui-e2e-'));
  const dataHome = join(root, 'xdg');
  const profiles = { alice: join(root, 'alice'), bob: join(root, 'bob') };
  const keys = { alice: randomBytes(32).toString('hex'), bob: randomBytes(32).toString('hex') };
  let port = 0;
  let alice: TmuxTerminal | undefined;
  let bob: TmuxTerminal | undefined;

  const envFor = (user: 'alice' | 'bob'): Record<string, string> => ({
    QPC_STORE_KEY: keys[user],
    XDG_DATA_HOME: dataHome,
    QPC_LOCAL_SERVER_PORT: String(port),
    TERM: 'xterm-256color',
  });

  beforeAll(async () => {
    requireTmux();
    port = await freeUdpPort();
  });

  afterAll(() => {
    killTmuxServer(socket);
    // The local server was started detached by qpc; its log names its pid.
    try {
      const log = readFileSync(join(dataHome, 'quicprochat', 'server', 'server.log'), 'utf8');
      const pid = /"pid":(\d+)/u.exec(log)?.[1];
      if (pid !== undefined) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // no server was started
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the first run, a group, a message and a fingerprint check', { timeout: 300_000 }, async () => {
    expect(requireTmux()).toMatch(/^tmux /u);

    // Alice: nothing but `qpc` (and her profile directory).
    alice = TmuxTerminal.start(
      socket,
      'alice',
      [process.execPath, QPC_BIN, '--profile', profiles.alice],
      envFor('alice'),
    );
    await alice.waitForText('first run');
    // The first run asks register-or-restore; register is the default choice.
    await alice.waitForText('register a new account');
    alice.press('Enter');
    await alice.waitForText(`Server           127.0.0.1:${port}`);
    alice.press('Enter');
    await alice.waitForText('> Username');
    alice.type('alice');
    alice.press('Enter');
    await alice.waitForText('> Password ');
    alice.type('alice password');
    alice.press('Enter');
    const masked = await alice.waitForText('> Password again');
    // The password is masked: one * per character, never the text.
    expect(masked).not.toContain('alice password');
    expect(masked).toContain('*'.repeat('alice password'.length));
    alice.type('alice password');
    alice.press('Enter');
    const recovery = await alice.waitForText('Your recovery phrase', 120_000);
    const words = recoveryWords(recovery);
    expect(words.size).toBe(24);
    alice.press('Enter');
    const check = await alice.waitForText('type word number');
    const asked = Number(/type word number (\d+)/u.exec(check)?.[1]);
    // The words are hidden while one of them is typed back.
    expect(check).not.toContain('Your recovery phrase');
    alice.type('wrong');
    alice.press('Enter');
    await alice.waitForText(`that is not word ${asked}`);
    alice.type(words.get(asked) ?? '');
    alice.press('Enter');
    await alice.waitForText('Groups (0)');
    await alice.waitForText(`● online 127.0.0.1:${port} · alice`);

    // The local server qpc started answers for everyone: bob registers with the plain command, which
    // prints the recovery words (otherwise his first full-screen start would show them and ask one).
    const registered = await runQpc(
      [
        'account',
        'register',
        'bob',
        '--password-stdin',
        '--show-recovery-words',
        '--server',
        `127.0.0.1:${port}`,
        '--profile',
        profiles.bob,
      ],
      envFor('bob'),
      'bob password\n',
    );
    expect(registered.code, registered.stderr).toBe(0);
    bob = TmuxTerminal.start(
      socket,
      'bob',
      [process.execPath, QPC_BIN, '--profile', profiles.bob],
      envFor('bob'),
    );
    await bob.waitForText(`● online 127.0.0.1:${port} · bob`);

    alice.type('/create book club');
    alice.press('Enter');
    await alice.waitForText('# book club');
    alice.type('/invite bob');
    alice.press('Enter');
    await alice.waitForText('invited bob');
    await bob.waitForText('>book club');

    alice.type('hello bob, from a real terminal');
    alice.press('Enter');
    await bob.waitFor(
      (screen) => /alice [0-9a-f]{4}-[0-9a-f]{4} hello bob, from a real terminal/u.test(screen),
      "alice's message on bob's screen",
    );

    // And back: bob's reply on alice's screen; alice's own message shows as delivered (✓).
    bob.type('hi alice, loud and clear');
    bob.press('Enter');
    const aliceScreen = await alice.waitFor(
      (screen) => /bob [0-9a-f]{4}-[0-9a-f]{4} hi alice, loud and clear/u.test(screen),
      "bob's reply on alice's screen",
    );
    expect(aliceScreen).toMatch(/alice [0-9a-f]{4}-[0-9a-f]{4} ✓ hello bob, from a real terminal/u);

    // A burst in one send-keys call (one read for qpc): text, three Backspaces, Enter. Every key counts.
    alice.press('a burst of keysXYZ', 'BSpace', 'BSpace', 'BSpace', 'Enter');
    await bob.waitFor(
      (screen) => /alice [0-9a-f]{4}-[0-9a-f]{4} a burst of keys\s*│/u.test(screen),
      "alice's burst, its three Backspaces applied, on bob's screen",
    );
    // A paste of several lines is one message, sent by the Enter pressed after it, never by its newlines.
    alice.paste('pasted line one\npasted line two');
    await alice.waitForText('pasted line two');
    alice.press('Enter');
    const pasted = await bob.waitForText('pasted line two');
    const pastedLines = pasted.split('\n');
    const second = pastedLines.findIndex((line) => line.includes('pasted line two'));
    expect(pastedLines[second - 1]).toMatch(/alice [0-9a-f]{4}-[0-9a-f]{4} pasted line one/u);
    expect(pastedLines[second]).not.toMatch(/alice [0-9a-f]{4}-[0-9a-f]{4}/u);
    // Colour and a visible cursor: the screen carries colour codes and reverse video (the cursor).
    const styled = alice.screenWithEscapes();
    // eslint-disable-next-line no-control-regex -- the SGR sequences capture-pane -e returns
    expect(styled).toMatch(/\x1b\[(?:[0-9;]*;)?7m/u);
    // eslint-disable-next-line no-control-regex -- the SGR sequences capture-pane -e returns
    expect(styled).toMatch(/\x1b\[(?:[0-9;]*;)?(?:3[0-7]|38;5;\d+|9[0-7])m/u);

    // Bob opens the members of the group and reads alice's fingerprint.
    // One key per read: wait for the focus (▶) to reach the group list before the next key.
    bob.press('Tab');
    await bob.waitForText('▶ Groups');
    bob.press('m');
    const members = await bob.waitForText('Fingerprint of alice:');
    const lines = members.split('\n');
    const at = lines.findIndex((line) => line.includes('Fingerprint of alice:'));
    const shown = lines
      .slice(at + 1, at + 3)
      .join(' ')
      .replace(/[^0-9a-f ]/gu, ' ')
      .split(/\s+/u)
      .filter((group) => /^[0-9a-f]{4}$/u.test(group))
      .join('');

    // Quitting leaves the alternate screen and ends the process cleanly.
    bob.press('Escape');
    await bob.waitFor((screen) => !screen.includes('Fingerprint of alice:'), 'the members overlay closed');
    bob.press('q');
    await bob.waitForText('qpc exited with 0');

    // One profile, one process: `qpc whoami` on alice's profile waits until her client has quit.
    const busy = await runQpc(['whoami', '--json', '--profile', profiles.alice], envFor('alice'));
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toContain('this profile is in use by another qpc');
    alice.press('C-c');
    await alice.waitForText('qpc exited with 0');
    const who = await runQpc(['whoami', '--json', '--profile', profiles.alice], envFor('alice'));
    expect(who.code, who.stderr).toBe(0);
    const fingerprint = (JSON.parse(who.stdout) as { fingerprint: string }).fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/u);
    expect(shown).toBe(fingerprint);
  });
});
