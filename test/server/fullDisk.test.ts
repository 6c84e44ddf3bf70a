/**
 * A real full disk: the data directory is a small tmpfs, a filler file leaves little room, and a sender
 * enqueues until the disk is full. The server answers RESOURCE_EXHAUSTED with a retry hint (never
 * INTERNAL), keeps logins, fetches and acks working, says why in its metrics, and takes messages again
 * once space is freed. Mounting needs root; where it is refused the mount test cannot run, and the
 * classification is covered by src/server/storage/storageHealth.test.ts instead.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Method, WireErrorCode } from '../../src/protocol/index.js';
import { startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, newClientMessageId, registerAccount, WireClient } from './wireClient.js';

const TMPFS_BYTES = 24 * 1024 * 1024;
const PAYLOAD_BYTES = 256 * 1024;

function mountTmpfs(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'qpc-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES},mode=0700`, 'tmpfs', dir], {
      stdio: 'ignore',
    });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const mountPoint = mountTmpfs();

describe.runIf(mountPoint !== undefined)('a disk that fills up mid-run (tmpfs)', () => {
  const dir = mountPoint ?? '';
  const data = join(dir, 'data');
  const filler = join(dir, 'filler.bin');
  let server: ServerProcess;
  const clients: WireClient[] = [];
  const connect = async (): Promise<WireClient> => {
    const client = await WireClient.connect(server.port, server.certSha256);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startServerProcess(data, [], { QPC_RATE_LIMIT_PER_IP: '1000' });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.kill('SIGTERM');
    execFileSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'answers RESOURCE_EXHAUSTED, keeps logins, fetches and acks, and recovers',
    { timeout: 120_000 },
    async () => {
      const alice = await connect();
      const bob = await connect();
      const recipient = await registerAccount(alice, 'alice', 'alice password');
      await registerAccount(bob, 'bob', 'bob password');
      await registerAccount(await connect(), 'carol', 'carol password');
      await logIn(alice, 'alice', 'alice password');
      await logIn(bob, 'bob', 'bob password');

      // Leave about 2 MiB free besides the server's reserve, then fill it with messages.
      const free = statfsSync(dir);
      writeFileSync(filler, Buffer.alloc(Math.max(0, free.bavail * free.bsize - 2 * 1024 * 1024)));
      const send = () =>
        bob.call(Method.Enqueue, {
          recipientIdentityKeys: [recipient.identityPublicKey],
          payload: new Uint8Array(PAYLOAD_BYTES).fill(7),
          clientMessageId: newClientMessageId(),
        });
      let accepted = 0;
      let refused: Awaited<ReturnType<typeof send>> | undefined;
      for (let attempt = 0; attempt < 40 && refused === undefined; attempt += 1) {
        const answer = await send();
        if (answer.ok) accepted += 1;
        else refused = answer;
      }
      expect(refused?.ok).toBe(false);
      if (refused === undefined || refused.ok) return;
      expect(refused.error.code).toBe(WireErrorCode.ResourceExhausted);
      expect(refused.error.retryAfterMs).toBeGreaterThan(0);
      // While full, more messages are refused at once, the same way.
      const again = await send();
      expect(!again.ok && again.error.code).toBe(WireErrorCode.ResourceExhausted);

      // Logins, fetches and acks keep working.
      const carol = await connect();
      await logIn(carol, 'carol', 'carol password');
      expect(carol.token).toHaveLength(32);
      const queue = await alice.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 0 });
      expect(queue.messages.length).toBeGreaterThan(0);
      expect(queue.messages.length).toBeLessThanOrEqual(accepted);
      const acked = await alice.ok(Method.Ack, { messageIds: queue.messages.map((m) => m.messageId) });
      expect(acked.removed).toBe(queue.messages.length);

      const metrics = await server.metrics();
      expect(metrics).toMatch(/qpc_storage_exhausted 1/);
      expect(metrics).toMatch(/qpc_storage_errors_total\{kind="full"\} [1-9]/);
      expect(metrics).toMatch(/qpc_requests_total\{method="Enqueue",result="RESOURCE_EXHAUSTED"\} [2-9]/);
      expect(metrics).not.toMatch(/result="INTERNAL"/);

      // An operator frees space: the server notices on its own and takes messages again.
      rmSync(filler);
      let recovered = false;
      for (let attempt = 0; attempt < 100 && !recovered; attempt += 1) {
        const answer = await send();
        recovered = answer.ok;
        if (!recovered) {
          expect(!answer.ok && answer.error.code).toBe(WireErrorCode.ResourceExhausted);
          await new Promise((resolve) => setTimeout(resolve, 100)); // the server rechecks every 2 s
        }
      }
      expect(recovered).toBe(true);
      expect(await server.metrics()).toMatch(/qpc_storage_exhausted 0/);
    },
  );
});
