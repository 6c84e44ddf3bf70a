/**
 * The connection state tells the truth, and work the engine does by itself never fails silently:
 * - the server is SIGKILLed: a client with the default transport settings shows offline within the
 *   idle timeout (keep-alives every second, 5 s idle), not after the 30 s it took before;
 * - the server comes back but no longer knows the session (its sessions were revoked while it was down):
 *   the client does not show "online"; the failure reaches the injected logger and a backgroundFailed event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/lib/bytes.js';
import { parseServerAddress } from '../../src/engine/net/serverAddress.js';
import { QpcEngine, type EngineEvent } from '../../src/engine/qpcEngine.js';
import { openProfile } from '../../src/engine/client/profile.js';
import { DEV_DB_KEY_FILE } from '../../src/server/storage/databaseKey.js';
import { openServerDatabase, SERVER_DATABASE_FILE } from '../../src/server/storage/openServerDatabase.js';
import { removeDir, startServer, tempDir, TEST_STORE_KEY, type RunningServer } from './harness.js';

/** A pino logger whose JSON lines are kept for the test to read. */
function capturingLogger(): { logger: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

function waitForEvent<T extends EngineEvent>(
  events: EngineEvent[],
  subscribe: (listener: () => void) => () => void,
  match: (event: EngineEvent) => event is T,
  timeoutMs: number,
  from = 0,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let seen = from;
    const check = (): void => {
      for (; seen < events.length; seen += 1) {
        const event = events[seen];
        if (event !== undefined && match(event)) {
          off();
          clearTimeout(timer);
          resolve(event);
          return;
        }
      }
    };
    const off = subscribe(check);
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching engine event within ${timeoutMs} ms`));
    }, timeoutMs);
    check();
  });
}

describe('honest connection state', () => {
  const dirs: string[] = [];
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = tempDir('server');
    dirs.push(dataDir);
    server = await startServer(dataDir);
  }, 120_000);

  afterAll(async () => {
    await server.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it(
    'sees a SIGKILLed server go away, then shows offline when the session cannot be reopened',
    { timeout: 180_000 },
    async () => {
      const profileDir = tempDir('walt');
      dirs.push(profileDir);
      const store = await openProfile({
        dir: profileDir,
        create: true,
        env: { QPC_STORE_KEY: TEST_STORE_KEY },
      });
      const { logger, lines } = capturingLogger();
      // Default transport settings (keep-alive and idle timeout); only the reconnect backoff is short.
      const engine = new QpcEngine({
        store,
        server: parseServerAddress(server.address),
        connection: { backoff: { initialDelayMs: 100, maxDelayMs: 500 } },
        logger,
      });
      const events: EngineEvent[] = [];
      const wakes = new Set<() => void>();
      engine.subscribe((event) => {
        events.push(event);
        for (const wake of wakes) wake();
      });
      const subscribe = (listener: () => void) => {
        wakes.add(listener);
        return () => wakes.delete(listener);
      };
      try {
        QpcEngine.createIdentity(store);
        await engine.register('walt', 'pw-walt');
        expect(engine.snapshot().connection.status).toBe('online');

        const seen = events.length;
        await server.kill('SIGKILL');
        const killedAt = Date.now();
        // Nothing is sent after the kill: only the keep-alives can notice.
        await waitForEvent(
          events,
          subscribe,
          (event): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
            event.type === 'connectionChanged' && event.connection.status === 'offline',
          20_000,
          seen,
        );
        const noticedMs = Date.now() - killedAt;
        console.log(`offline noticed ${noticedMs} ms after SIGKILL`);
        expect(engine.snapshot().connection.status).not.toBe('online');

        // While the server is down its sessions are revoked: the saved token is no longer valid.
        const key = fromHex(readFileSync(join(dataDir, DEV_DB_KEY_FILE), 'utf8').trim());
        const db = openServerDatabase(join(dataDir, SERVER_DATABASE_FILE), key);
        db.prepare('DELETE FROM sessions').run();
        db.close();
        const before = events.length;
        server = await startServer(dataDir, server.port);

        const failed = await waitForEvent(
          events,
          subscribe,
          (event): event is Extract<EngineEvent, { type: 'backgroundFailed' }> =>
            event.type === 'backgroundFailed' && event.task === 'resumeSession',
          60_000,
          before,
        );
        expect(failed.code).toMatch(/UNAUTHENTICATED|SESSION/u);
        // The transport is back, the session is not: never 'online'.
        const after = events.slice(before);
        expect(
          after.some((event) => event.type === 'connectionChanged' && event.connection.status === 'online'),
        ).toBe(false);
        expect(engine.snapshot().connection).toMatchObject({ status: 'offline', reason: failed.code });
        const logged = lines.find((line) => line.event === 'backgroundFailed');
        expect(logged).toMatchObject({ task: 'resumeSession', code: failed.code, level: 40 });
        // Nothing personal in the log line: no username, no server message text.
        expect(JSON.stringify(lines)).not.toContain('walt');
      } finally {
        await engine.close();
        store.close();
      }
    },
  );
});
