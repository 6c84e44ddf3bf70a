/**
 * `qpc-server rotate db-key` on a live data directory: real server process, real QUIC clients, real
 * SQLCipher file. Refused while the server runs; on the stopped server the old key no longer opens the
 * database, the new one does, and every queued message is still there for a client logging in after.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fromHex } from '../../src/lib/bytes.js';
import { Method } from '../../src/protocol/index.js';
import { databasePath, openExistingDatabase } from '../../src/server/ops/existingDatabase.js';
import { WrongDatabaseKeyError } from '../../src/server/storage/storageErrors.js';
import {
  makeDataDir,
  removeDataDir,
  runServerToExit,
  startServerProcess,
  type ServerProcess,
} from './serverProcess.js';
import { logIn, newClientMessageId, registerAccount, WireClient } from './wireClient.js';

const dirs: string[] = [];
const servers: ServerProcess[] = [];
const clients: WireClient[] = [];
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const server of servers) if (server.child.exitCode === null) await server.kill('SIGTERM');
  dirs.forEach(removeDataDir);
});

async function connect(server: ServerProcess): Promise<WireClient> {
  const client = await WireClient.connect(server.port, server.certSha256);
  clients.push(client);
  return client;
}

describe('qpc-server rotate db-key', () => {
  it(
    'refuses on a running server; on a stopped one rekeys and keeps every message',
    { timeout: 180_000 },
    async () => {
      const dir = makeDataDir();
      dirs.push(dir);
      const oldKey = randomBytes(32).toString('hex');
      const fast = ['--rate-limit-per-ip', '1000000', '--rate-limit-per-account', '1000000'];
      let server = await startServerProcess(dir, fast, { QPC_DB_KEY: oldKey });
      servers.push(server);
      const alice = await connect(server);
      const bob = await connect(server);
      const aliceAccount = await registerAccount(alice, 'alice', 'alice password');
      const bobAccount = await registerAccount(bob, 'bob', 'bob password');
      await logIn(alice, 'alice', 'alice password');
      await logIn(bob, 'bob', 'bob password');
      const sent: string[] = [];
      for (let i = 0; i < 25; i += 1) {
        sent.push(`message ${i}`);
        await alice.ok(Method.Enqueue, {
          recipientIdentityKeys: [bobAccount.identityPublicKey],
          payload: new TextEncoder().encode(`message ${i}`),
          clientMessageId: newClientMessageId(),
        });
      }
      expect(aliceAccount.username).toBe('alice');

      const running = await runServerToExit(['rotate', 'db-key', '--data', dir], { QPC_DB_KEY: oldKey });
      expect(running.code).toBe(2);
      expect(running.stderr).toContain('OPS_SERVER_RUNNING');

      await Promise.all([alice.close(), bob.close()]);
      expect(await server.kill('SIGTERM')).toBe(0);

      const dry = await runServerToExit(['rotate', 'db-key', '--dry-run', '--data', dir], {
        QPC_DB_KEY: oldKey,
      });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('25 queued messages');
      expect(existsSync(join(dir, 'backups'))).toBe(false);

      const rotated = await runServerToExit(['rotate', 'db-key', '--data', dir], { QPC_DB_KEY: oldKey });
      expect(rotated.stderr).toContain('"event":"key_rotated"');
      expect(rotated.code).toBe(0);
      const newKey = /shown once[^:]*: ([0-9a-f]{64})/.exec(rotated.stdout)?.[1] ?? '';
      expect(newKey).toHaveLength(64);
      expect(rotated.stderr).not.toContain(newKey);
      expect(existsSync(join(dir, 'db.key.rotating'))).toBe(false);

      // The old key no longer opens the database; the backup taken first still does (0600).
      expect(() => openExistingDatabase(databasePath(dir), fromHex(oldKey))).toThrow(WrongDatabaseKeyError);
      const backups = readdirSync(join(dir, 'backups')).filter((name) => name.startsWith('db-key-'));
      expect(backups).toHaveLength(1);
      const backupPath = join(dir, 'backups', backups[0] ?? '');
      expect(statSync(backupPath).mode & 0o777).toBe(0o600);
      openExistingDatabase(backupPath, fromHex(oldKey)).close();
      const reopened = openExistingDatabase(databasePath(dir), fromHex(newKey));
      expect(reopened.pragma('journal_mode', { simple: true })).toBe('wal');
      reopened.close();

      server = await startServerProcess(dir, fast, { QPC_DB_KEY: newKey });
      servers.push(server);
      const bobAfter = await connect(server);
      await logIn(bobAfter, 'bob', 'bob password');
      const { messages } = await bobAfter.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 100 });
      expect(messages.map((message) => new TextDecoder().decode(message.payload))).toEqual(sent);
      expect(await server.metrics()).toMatch(/qpc_key_rotated_timestamp_seconds\{material="db-key"\} \d+/);
    },
  );
});
