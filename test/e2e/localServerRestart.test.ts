/**
 * The local qpc-server, started in the background by qpc, is killed (kill -9) while two clients use it:
 * the keeper of the client that watches it starts it again, both clients reconnect by themselves, and a
 * message goes through. The server, the data directory and QUIC are real.
 */
import { readFileSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { silentLogger } from '../../src/lib/logger.js';
import { ensureLocalServer } from '../../src/cli/localServer.js';
import {
  keepLocalServer,
  type LocalServerKeeper,
  type LocalServerNews,
} from '../../src/cli/localServerKeeper.js';
import {
  isJoined,
  isMessage,
  registeredClient,
  removeDir,
  tempDir,
  waitUntil,
  type TestClient,
} from './harness.js';

function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: no such process.
    return false;
  }
}

/** The pids of every server the log says started listening, oldest first. */
function listeningPids(logFile: string): number[] {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"msg":"listening"'))
    .map((line) => (JSON.parse(line) as { pid: number }).pid);
}

const connectionIs = (status: string) => (event: EngineEvent) =>
  event.type === 'connectionChanged' && event.connection.status === status;

describe('the local server, killed while in use', () => {
  const dirs: string[] = [];
  const env = { XDG_DATA_HOME: '' };
  let port = 0;
  let logFile = '';
  let alice: TestClient;
  let bob: TestClient;
  let keeper: LocalServerKeeper | undefined;

  beforeAll(async () => {
    const [dataHome, a, b] = [tempDir('xdg'), tempDir('alice'), tempDir('bob')];
    dirs.push(dataHome, a, b);
    env.XDG_DATA_HOME = dataHome;
    port = await freeUdpPort();
    const server = await ensureLocalServer({ port, env });
    expect(server.started).toBe(true);
    logFile = server.logFile;
    [alice, bob] = await Promise.all([
      registeredClient(a, server.address, 'alice'),
      registeredClient(b, server.address, 'bob'),
    ]);
  }, 180_000);

  afterAll(async () => {
    keeper?.stop();
    const started: (TestClient | undefined)[] = [alice, bob];
    await Promise.allSettled(started.map((client) => client?.close() ?? Promise.resolve()));
    for (const pid of logFile === '' ? [] : listeningPids(logFile)) {
      if (isAlive(pid)) process.kill(pid, 'SIGTERM');
    }
    for (const dir of dirs) removeDir(dir);
  });

  it(
    'is started again, the clients reconnect, and a message goes through',
    { timeout: 240_000 },
    async () => {
      const news: LocalServerNews[] = [];
      keeper = keepLocalServer(alice.engine, {
        port,
        env,
        logger: silentLogger(),
        report: (item) => news.push(item),
      });
      const groupId = (await alice.engine.createGroup('kept')).id;
      await alice.engine.invite('kept', 'bob');
      await bob.waitFor(isJoined(groupId));

      const [first] = listeningPids(logFile);
      expect(first).toBeDefined();
      const onlineBefore = alice.events.filter(connectionIs('online')).length;
      process.kill(first ?? 0, 'SIGKILL');

      await waitUntil(() => news.some((item) => item.kind === 'restarted'), 120_000);
      expect(news[0]).toEqual({ kind: 'restarting', attempt: 1 });
      const restarted = news.find((item) => item.kind === 'restarted');
      const pids = listeningPids(logFile);
      expect(pids).toHaveLength(2);
      expect(restarted).toMatchObject({ kind: 'restarted', pid: pids[1], logFile });
      expect(isAlive(first ?? 0)).toBe(false);
      expect(isAlive(pids[1] ?? 0)).toBe(true);

      // The engines' own retries find the new server.
      await waitUntil(() => alice.events.filter(connectionIs('online')).length > onlineBefore, 120_000);
      await alice.engine.send('kept', 'after the restart');
      await bob.waitFor(isMessage('after the restart'), 120_000);
    },
  );
});
