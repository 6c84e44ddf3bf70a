/**
 * The main flow through the real `qpc` bin against qpc-server in its own process: three users register
 * (OPAQUE), a group of three, messages both ways, members with fingerprints, a wrong password (exit 3).
 * Every `qpc` process connects, catches up and exits, so each receive is also an offline catch-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, runQpc, startServer, tempDir, type RunningServer } from './harness.js';

interface ReceivedLine {
  group: string;
  sender: string;
  fingerprint: string;
  text: string;
  time: string;
  id: string;
}

function parseLines(stdout: string): ReceivedLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as ReceivedLine);
}

describe('qpc commands end to end over QUIC', () => {
  let server: RunningServer;
  const dirs: string[] = [];
  const profile: Record<string, string> = {};
  const fingerprint: Record<string, string> = {};

  beforeAll(async () => {
    const data = tempDir('server');
    dirs.push(data);
    server = await startServer(data);
    for (const user of ['alice', 'bob', 'carol']) {
      profile[user] = tempDir(user);
      dirs.push(profile[user]);
    }
  });

  afterAll(async () => {
    await server.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  const qpc = (user: string, args: string[], stdin?: string) =>
    runQpc([...args, '--profile', profile[user] ?? ''], stdin === undefined ? {} : { stdin });

  it('registers three users and shows who they are', { timeout: 120_000 }, async () => {
    const results = await Promise.all(
      ['alice', 'bob', 'carol'].map((user) =>
        qpc(
          user,
          ['account', 'register', user, '--password-stdin', '--server', server.address],
          `pw-${user}\n`,
        ),
      ),
    );
    for (const [index, user] of ['alice', 'bob', 'carol'].entries()) {
      const result = results[index];
      expect(result?.code, result?.stderr).toBe(0);
      expect(result?.stdout).toContain(`registered ${user}`);
    }
    const who = await qpc('alice', ['whoami', '--json']);
    expect(who.code, who.stderr).toBe(0);
    const me = JSON.parse(who.stdout) as {
      username: string;
      fingerprint: string;
      keySource: string;
      server: string;
    };
    expect(me.username).toBe('alice');
    expect(me.fingerprint).toMatch(/^[0-9a-f]{64}$/u);
    expect(me.keySource).toContain('QPC_STORE_KEY');
    expect(me.server).toBe(server.address);
    fingerprint.alice = me.fingerprint;
  });

  it(
    'logs in again with the right password, refuses a wrong one with exit 3',
    { timeout: 60_000 },
    async () => {
      const [good, bad] = await Promise.all([
        qpc('bob', ['account', 'login', 'bob', '--password-stdin'], 'pw-bob\n'),
        qpc('carol', ['account', 'login', 'carol', '--password-stdin'], 'not-my-password\n'),
      ]);
      expect(good.code, good.stderr).toBe(0);
      expect(good.stdout).toContain('logged in as bob');
      expect(bad.code).toBe(3);
      expect(bad.stderr).toMatch(/wrong username or password/u);
    },
  );

  it('builds a group of three and lists its members with fingerprints', { timeout: 120_000 }, async () => {
    const created = await qpc('alice', ['group', 'create', 'team']);
    expect(created.code, created.stderr).toBe(0);
    for (const user of ['bob', 'carol']) {
      const invited = await qpc('alice', ['group', 'invite', 'team', user]);
      expect(invited.code, invited.stderr).toBe(0);
    }
    // carol has never been online since the invites: her receive joins from the queued Welcome.
    const members = await qpc('carol', ['group', 'members', 'team', '--json']);
    expect(members.code, members.stderr).toBe(0);
    const list = parseLines(members.stdout) as unknown as {
      username: string;
      fingerprint: string;
      self: boolean;
    }[];
    expect(list.map((member) => member.username).sort()).toEqual(['alice', 'bob', 'carol']);
    expect(list.find((member) => member.username === 'alice')?.fingerprint).toBe(fingerprint.alice);
    expect(list.find((member) => member.self)?.username).toBe('carol');
  });

  it('carries messages both ways, each printed once', { timeout: 120_000 }, async () => {
    const fromAlice = await qpc('alice', ['send', 'team', 'hello from alice']);
    expect(fromAlice.code, fromAlice.stderr).toBe(0);
    expect(fromAlice.stdout).toMatch(/^sent [0-9a-f]{32}/u);
    const fromBob = await qpc('bob', ['send', 'team', 'hello from bob']);
    expect(fromBob.code, fromBob.stderr).toBe(0);

    const [atAlice, atCarol] = await Promise.all([
      qpc('alice', ['receive', '--json', '--wait', '20']),
      qpc('carol', ['receive', '--json', '--wait', '20']),
    ]);
    expect(atAlice.code, atAlice.stderr).toBe(0);
    expect(parseLines(atAlice.stdout).map((line) => [line.sender, line.text])).toEqual([
      ['bob', 'hello from bob'],
    ]);
    expect(atCarol.code, atCarol.stderr).toBe(0);
    const carolSaw = parseLines(atCarol.stdout);
    expect(carolSaw.map((line) => [line.group, line.sender, line.text])).toEqual([
      ['team', 'alice', 'hello from alice'],
      ['team', 'bob', 'hello from bob'],
    ]);
    expect(carolSaw[0]?.fingerprint).toBe(fingerprint.alice);
    expect(Number.isNaN(Date.parse(carolSaw[0]?.time ?? ''))).toBe(false);

    const again = await qpc('carol', ['receive', '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('answers bad usage with exit 2', { timeout: 30_000 }, async () => {
    const result = await qpc('alice', ['send', 'no-such-group', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no group');
  });
});
