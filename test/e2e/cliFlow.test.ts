/**
 * The main flow through the real `qpc` bin against qpc-server in its own process: three users register
 * (OPAQUE), a group of three, messages both ways, members with fingerprints, a wrong password (exit 3).
 * Every `qpc` process connects, catches up and exits, so each receive is also an offline catch-up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  QPC_BIN,
  TEST_STORE_KEY,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  type RunningServer,
} from './harness.js';

interface FollowLine {
  type: string;
  text?: string;
  status?: string;
  members?: { username: string }[];
}

/** `qpc receive --follow` as a bot runs it: JSON lines read as they come, ended with SIGTERM. */
function follow(args: string[]) {
  const child = spawn(process.execPath, [QPC_BIN, 'receive', '--follow', ...args], {
    env: { ...process.env, QPC_STORE_KEY: TEST_STORE_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines: FollowLine[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(JSON.parse(line) as FollowLine);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    lines,
    /** Resolves with the first line (already printed or to come) that matches. */
    waitFor: (match: (line: FollowLine) => boolean) =>
      new Promise<FollowLine>((resolve, reject) => {
        const check = (): void => {
          const found = lines.find(match);
          if (found !== undefined) {
            waiters.delete(check);
            resolve(found);
          }
        };
        void exited.then((code) => reject(new Error(`receive --follow exited (${code}): ${stderr}`)));
        waiters.add(check);
        check();
      }),
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

interface ReceivedLine {
  kind?: string;
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
          `${user}-password\n`,
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
        qpc('bob', ['account', 'login', 'bob', '--password-stdin'], 'bob-password\n'),
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
    const aliceSaw = parseLines(atAlice.stdout);
    // The invites are in alice's timeline too (membership entries), before the message.
    expect(aliceSaw.map((line) => [line.kind, line.text])).toEqual([
      ['membership', 'alice added bob'],
      ['membership', 'alice added carol'],
      ['message', 'hello from bob'],
    ]);
    expect(aliceSaw[2]?.sender).toBe('bob');
    expect(atCarol.code, atCarol.stderr).toBe(0);
    const carolAll = parseLines(atCarol.stdout);
    expect(carolAll[0]).toMatchObject({ kind: 'membership', group: 'team', text: 'carol joined the group' });
    const carolSaw = carolAll.filter((line) => line.kind === 'message');
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

  it('prints the history of a group, oldest first, newest N with --limit', { timeout: 60_000 }, async () => {
    const all = await qpc('carol', ['history', 'team', '--json']);
    expect(all.code, all.stderr).toBe(0);
    const texts = parseLines(all.stdout).map((line) => line.text);
    expect(texts).toEqual(['carol joined the group', 'hello from alice', 'hello from bob']);
    const newest = await qpc('carol', ['history', 'team', '--limit', '1']);
    expect(newest.code, newest.stderr).toBe(0);
    expect(newest.stdout.trim().split('\n')).toHaveLength(1);
    expect(newest.stdout).toContain('bob: hello from bob');
    const bad = await qpc('carol', ['history', 'team', '--limit', 'lots']);
    expect(bad.code).toBe(2);
  });

  it(
    'receive --follow prints messages and membership changes as JSON lines; rotate, kick, leave, logout',
    { timeout: 180_000 },
    async () => {
      const watch = follow(['--profile', profile.carol ?? '']);
      try {
        await watch.waitFor((line) => line.type === 'connection' && line.status === 'online');
        const sent = await qpc('bob', ['send', 'team', 'while you follow']);
        expect(sent.code, sent.stderr).toBe(0);
        await watch.waitFor((line) => line.type === 'message' && line.text === 'while you follow');

        const rotated = await qpc('alice', ['group', 'rotate', 'team']);
        expect(rotated.code, rotated.stderr).toBe(0);
        expect(rotated.stdout).toContain('rotated our key in team');

        const kicked = await qpc('alice', ['group', 'kick', 'team', 'bob']);
        expect(kicked.code, kicked.stderr).toBe(0);
        const change = await watch.waitFor(
          (line) =>
            line.type === 'members' &&
            line.members !== undefined &&
            !line.members.some((member) => member.username === 'bob'),
        );
        expect(change.members?.map((member) => member.username).sort()).toEqual(['alice', 'carol']);
      } finally {
        expect(await watch.stop()).toBe(0);
      }

      const left = await qpc('carol', ['group', 'leave', 'team']);
      expect(left.code, left.stderr).toBe(0);
      const groups = await qpc('carol', ['group', 'list', '--json']);
      expect(groups.code, groups.stderr).toBe(0);
      expect(groups.stdout).not.toContain('"team"');

      const out = await qpc('bob', ['logout']);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout.trim()).toBe('logged out');
      const after = await qpc('bob', ['send', 'team', 'after logout']);
      expect(after.code).toBe(3);
      expect(after.stderr).toMatch(/log in/u);
    },
  );

  it('answers bad usage with exit 2', { timeout: 30_000 }, async () => {
    const result = await qpc('alice', ['send', 'no-such-group', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no group');
  });
});
