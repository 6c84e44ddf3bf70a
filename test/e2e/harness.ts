/**
 * End-to-end helpers: qpc-server in its own process on loopback (real QUIC), the real `qpc` bin, and
 * in-process engines on real SQLCipher profiles. Everything waits for states, never for fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openProfile } from '../../src/engine/client/profile.js';
import { parseServerAddress } from '../../src/engine/net/serverAddress.js';
import { QpcEngine, type EngineEvent, type QpcEngineOptions } from '../../src/engine/qpcEngine.js';
import type { ClientProfileStore } from '../../src/engine/store/types.js';

const SERVER_BIN = new URL('../../bin/qpc-server.js', import.meta.url).pathname;
export const QPC_BIN = new URL('../../bin/qpc.js', import.meta.url).pathname;

/** A raw store key for every test profile, so no test waits on scrypt or a keychain. */
export const TEST_STORE_KEY = randomBytes(32).toString('hex');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `qpc-e2e-${prefix}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface RunningServer {
  port: number;
  address: string;
  child: ChildProcess;
  exited: Promise<number | string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

/** Starts qpc-server on 127.0.0.1:port (0 = any) and resolves at its "listening" log line. */
export async function startServer(
  dataDir: string,
  port = 0,
  extraArgs: readonly string[] = [],
): Promise<RunningServer> {
  const child = spawn(
    process.execPath,
    [
      SERVER_BIN,
      '--data',
      dataDir,
      '--listen',
      `127.0.0.1:${port}`,
      '--admin-listen',
      '127.0.0.1:0',
      ...extraArgs,
    ],
    { env: { ...process.env, QPC_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const bound = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'listening' && typeof entry.port === 'number') resolve(entry.port);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`qpc-server exited (${code}) before listening: ${stderr}`)));
  });
  return {
    port: bound,
    address: `127.0.0.1:${bound}`,
    child,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}

export interface QpcResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `qpc` bin (node bin/qpc.js) with a test store key. */
export function runQpc(
  args: readonly string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<QpcResult> {
  const child = spawn(process.execPath, [QPC_BIN, ...args], {
    env: { ...process.env, QPC_STORE_KEY: TEST_STORE_KEY, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

export interface TestClient {
  engine: QpcEngine;
  store: ClientProfileStore;
  events: EngineEvent[];
  dir: string;
  /** Resolves with the first event (already seen or future) that matches. */
  waitFor<T extends EngineEvent>(match: (event: EngineEvent) => event is T, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/**
 * A short reconnect backoff. A killed server is noticed by the engine's liveness watch (seconds of
 * silence in active time), the one a person's client uses: a short QUIC idle timeout here would end
 * healthy connections whenever the loaded test machine stalls the event loop.
 */
export const FAST_CONNECTION = {
  requestTimeoutMs: 15_000,
  backoff: { initialDelayMs: 100, maxDelayMs: 1_000 },
};

export async function openClient(
  dir: string,
  server: string,
  extra: Partial<Omit<QpcEngineOptions, 'store' | 'server'>> = {},
): Promise<TestClient> {
  const store = await openProfile({ dir, create: true, env: { QPC_STORE_KEY: TEST_STORE_KEY } });
  const engine = new QpcEngine({
    store,
    server: parseServerAddress(server),
    connection: FAST_CONNECTION,
    keyPackages: { threshold: 2, batchSize: 3 },
    ...extra,
  });
  const events: EngineEvent[] = [];
  const waiters = new Set<() => void>();
  engine.subscribe((event) => {
    events.push(event);
    for (const wake of waiters) wake();
  });
  return {
    engine,
    store,
    events,
    dir,
    waitFor: (match, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        let seen = 0;
        const check = (): void => {
          for (; seen < events.length; seen += 1) {
            const event = events[seen];
            if (event !== undefined && match(event)) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(event);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          // The last events say where the client stopped (types and codes only).
          const last = events
            .slice(-6)
            .map((event) =>
              JSON.stringify(event, (_key, value: unknown) =>
                typeof value === 'bigint' ? value.toString() : value,
              ).slice(0, 160),
            );
          reject(new Error(`no matching engine event within ${timeoutMs} ms; last: ${last.join(' | ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: async () => {
      await engine.close();
      store.close();
    },
  };
}

export async function registeredClient(
  dir: string,
  server: string,
  username: string,
  extra: Partial<Omit<QpcEngineOptions, 'store' | 'server'>> = {},
): Promise<TestClient> {
  const client = await openClient(dir, server, extra);
  QpcEngine.createIdentity(client.store);
  await client.engine.register(username, `pw-${username}`);
  return client;
}

export function isMessage(text: string) {
  return (event: EngineEvent): event is Extract<EngineEvent, { type: 'messageReceived' }> =>
    event.type === 'messageReceived' && event.message.text === text;
}

export function isJoined(groupId: string) {
  return (event: EngineEvent): event is Extract<EngineEvent, { type: 'groupsChanged' }> =>
    event.type === 'groupsChanged' && event.groups.some((group) => group.id === groupId);
}

/** Waits until a condition on engine state holds (checked every 50 ms), or fails after timeoutMs. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when every client holds the group at one and the same epoch with `members` members. */
export async function converged(clients: TestClient[], groupId: string, members: number): Promise<boolean> {
  const epochs = new Set<string>();
  for (const client of clients) {
    const group = client.engine.listGroups().find((candidate) => candidate.id === groupId);
    if (group === undefined || (await client.engine.listMembers(groupId)).length !== members) return false;
    epochs.add(group.epoch.toString());
  }
  return epochs.size === 1;
}

/** A running server and registered clients, each on its own profile; close() ends and removes them all. */
export interface ClientsFixture {
  server: RunningServer;
  /** The clients, in the order their usernames were given. */
  clients: TestClient[];
  byName: Record<string, TestClient>;
  /** A new temporary directory, removed by close(). */
  dir(prefix: string): string;
  close(): Promise<void>;
}

export interface ClientsOptions {
  serverArgs?: readonly string[];
  /** Engine options for one user's client. */
  engine?: (username: string) => Partial<Omit<QpcEngineOptions, 'store' | 'server'>>;
  /** Registers one client after the other instead of all at once (a lighter load on a slow machine). */
  sequential?: boolean;
}

/** Starts a server and registers `usernames` (password `pw-USER`), each in a new profile. */
export async function withClients(
  usernames: readonly string[],
  options: ClientsOptions = {},
): Promise<ClientsFixture> {
  const dirs: string[] = [];
  const dir = (prefix: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };
  const server = await startServer(dir('server'), 0, options.serverArgs);
  const register = (name: string): Promise<TestClient> =>
    registeredClient(dir(name), server.address, name, options.engine?.(name));
  const clients: TestClient[] = [];
  if (options.sequential === true) {
    for (const name of usernames) clients.push(await register(name));
  } else {
    clients.push(...(await Promise.all(usernames.map(register))));
  }
  const byName: Record<string, TestClient> = {};
  usernames.forEach((name, index) => {
    const client = clients[index];
    if (client !== undefined) byName[name] = client;
  });
  return {
    server,
    clients,
    byName,
    dir,
    close: async () => {
      // A test may have closed or replaced a client already: the fixture closes what is open now.
      for (const client of Object.values(byName)) await client.close().catch(() => undefined);
      await server.kill('SIGTERM');
      for (const made of dirs) removeDir(made);
    },
  };
}

/** withClients, and a group the first user created, with the members invited one by one. */
export interface GroupFixture extends ClientsFixture {
  groupId: string;
}

/**
 * Starts a server, registers `usernames`, and the first one creates the group `groupName` and invites
 * `members` (default: every other user) one at a time, each waited on until joined; then waits until
 * the creator and the members agree on the epoch and the member list.
 */
export async function withGroup(
  usernames: readonly string[],
  groupName: string,
  options: ClientsOptions & { members?: readonly string[] } = {},
): Promise<GroupFixture> {
  const fixture = await withClients(usernames, options);
  const [creatorName, ...others] = usernames;
  const creator = creatorName === undefined ? undefined : fixture.byName[creatorName];
  if (creator === undefined) throw new Error('withGroup needs at least one user');
  const groupId = (await creator.engine.createGroup(groupName)).id;
  const joined = [creator];
  for (const name of options.members ?? others) {
    const member = fixture.byName[name];
    if (member === undefined) throw new Error(`withGroup: ${name} is not one of the users`);
    await creator.engine.invite(groupId, name);
    await member.waitFor(isJoined(groupId));
    joined.push(member);
  }
  await waitUntil(() => converged(joined, groupId, joined.length));
  return { ...fixture, groupId };
}
