/**
 * Lock and unlock over real QUIC, OPAQUE, SQLCipher and MLS: a locked client has zeroed the keys it held
 * (identity, hybrid key, MLS group state) and answers nothing but ENGINE_LOCKED; a message sent to it
 * meanwhile waits on the server and arrives after unlock, which reopens the profile and logs in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openProfile } from '../../src/engine/client/profile.js';
import { parseServerAddress } from '../../src/engine/net/serverAddress.js';
import { EngineLock } from '../../src/engine/lock/engineLock.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import {
  FAST_CONNECTION,
  isJoined,
  isMessage,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  TEST_STORE_KEY,
  type RunningServer,
  waitUntil,
  type TestClient,
} from './harness.js';

/** A loaded machine (OPAQUE's argon2id on 2 shared cores) can take longer than the usual 15 s. */
const PATIENT = {
  connection: {
    ...FAST_CONNECTION,
    requestTimeoutMs: 90_000,
    maxIdleTimeoutMs: 30_000,
    keepAliveIntervalMs: 5_000,
  },
};

/** Every Uint8Array reachable from a value (to check afterwards that each was zeroed). */
function byteArraysIn(value: unknown, found: Uint8Array[] = [], seen = new WeakSet<object>()): Uint8Array[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return found;
  seen.add(value);
  if (value instanceof Uint8Array) {
    found.push(value);
    return found;
  }
  if (value instanceof Map) for (const entry of value.values()) byteArraysIn(entry, found, seen);
  else for (const entry of Object.values(value)) byteArraysIn(entry, found, seen);
  return found;
}

describe('lock and unlock', () => {
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  let server: RunningServer;

  const dir = (prefix: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await startServer(dir('server'));
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close().catch(() => undefined);
    await server.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it(
    'lock wipes the keys and exposes nothing; unlock resumes and catches up',
    { timeout: 240_000 },
    async () => {
      const alice = await registeredClient(dir('alice'), server.address, 'alice', PATIENT);
      const bob = await registeredClient(dir('bob'), server.address, 'bob', PATIENT);
      clients.push(bob);
      const group = await alice.engine.createGroup('locked room');
      await alice.engine.invite(group.id, 'bob');
      await bob.waitFor(isJoined(group.id), 60_000);
      await bob.engine.send(group.id, 'before the lock');
      await alice.waitFor(isMessage('before the lock'), 60_000);

      // The private keys the engine holds in memory: identity, hybrid key, the open group's MLS state.
      const internals = alice.engine as unknown as {
        identity: {
          mls: { signingPrivateKey: Uint8Array };
          hybrid: { x25519: Uint8Array; mlKem: Uint8Array };
        };
        groups: { sessions: Map<string, Promise<{ state: unknown }>> };
      };
      const session = await internals.groups.sessions.get(group.id);
      const held = [
        internals.identity.mls.signingPrivateKey,
        internals.identity.hybrid.x25519,
        internals.identity.hybrid.mlKem,
        ...byteArraysIn(session?.state),
      ];
      expect(held.length).toBeGreaterThan(10);
      expect(held.some((bytes) => bytes.some((byte) => byte !== 0))).toBe(true);

      const locks: boolean[] = [];
      const lock = new EngineLock(
        {
          openStore: () =>
            openProfile({ dir: alice.dir, create: false, env: { QPC_STORE_KEY: TEST_STORE_KEY } }),
          createEngine: (store) =>
            new QpcEngine({ store, server: parseServerAddress(server.address), ...PATIENT }),
          onChange: (locked) => locks.push(locked),
        },
        alice.engine,
      );
      await lock.lock();
      expect(locks).toEqual([true]);
      expect(held.every((bytes) => bytes.every((byte) => byte === 0))).toBe(true);
      await expect(alice.engine.whoami()).rejects.toMatchObject({ code: 'ENGINE_LOCKED' });
      expect(() => lock.engine).toThrow(expect.objectContaining({ code: 'ENGINE_LOCKED' }));

      await bob.engine.send(group.id, 'while you were locked');
      const unlocked = await lock.unlock();
      expect(locks).toEqual([true, false]);
      expect((await unlocked.whoami()).username).toBe('alice');
      const texts = async () =>
        (await unlocked.loadMessages(group.id, { limit: 50 })).messages.map((message) => message.text);
      await waitUntil(async () => (await texts()).includes('while you were locked'), 60_000);
      await unlocked.send(group.id, 'back again');
      await bob.waitFor(isMessage('back again'), 60_000);
      await lock.lock();
    },
  );
});
