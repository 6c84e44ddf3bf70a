/**
 * Delivery proofs end to end: the real qpc-server signs a proof for each copy of alice's message, her
 * engine verifies and keeps it and shows ✓ ('sent'); `qpc-server rotate signing-key` between two
 * messages leaves both proofs verifiable (`qpc proof verify`, the first by a retired key), and a proof
 * altered in the profile is refused.
 */
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/engine/qpcEngine.js';
import { openProfile } from '../../src/engine/client/profile.js';
import { DeliveryReceiptSchema } from '../../src/protocol/index.js';
import { runServerToExit } from '../server/serverProcess.js';
import {
  isJoined,
  isMessage,
  registeredClient,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  TEST_STORE_KEY,
  type RunningServer,
  type TestClient,
} from './harness.js';

const isOnline = (event: EngineEvent): boolean =>
  event.type === 'connectionChanged' && event.connection.status === 'online';

function isDelivery(messageId: string) {
  return (event: EngineEvent): event is Extract<EngineEvent, { type: 'deliveryStateChanged' }> =>
    event.type === 'deliveryStateChanged' && event.messageId === messageId;
}

describe('delivery proofs over QUIC, across a signing-key rotation', () => {
  const dirs: string[] = [];
  let dataDir: string;
  let server: RunningServer;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    dataDir = tempDir('server');
    const [a, b] = [tempDir('alice'), tempDir('bob')];
    dirs.push(dataDir, a, b);
    server = await startServer(dataDir);
    [alice, bob] = await Promise.all([
      registeredClient(a, server.address, 'alice'),
      registeredClient(b, server.address, 'bob'),
    ]);
  }, 120_000);

  afterAll(async () => {
    // A beforeAll that failed leaves some of them unset: close what exists.
    const started: (TestClient | undefined)[] = [alice, bob];
    await Promise.allSettled(started.map((client) => client?.close() ?? Promise.resolve()));
    await (server as RunningServer | undefined)?.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it(
    'proves messages before and after the rotation, and refuses an altered proof',
    { timeout: 240_000 },
    async () => {
      const groupId = (await alice.engine.createGroup('proofs')).id;
      await alice.engine.invite('proofs', 'bob');
      await bob.waitFor(isJoined(groupId));

      const before = await alice.engine.send('proofs', 'before the rotation');
      await bob.waitFor(isMessage('before the rotation'));
      expect((await alice.waitFor(isDelivery(before.id))).state).toBe('sent');
      const [first] = await alice.engine.deliveryProofs(before.id, { refresh: true });
      expect(first).toMatchObject({
        recipient: 'bob',
        check: 'valid',
        keyRetired: false,
        serverName: 'localhost',
      });

      // The rotation needs a stopped server; the engines reconnect by themselves once it is back.
      expect(await server.kill('SIGTERM')).toBe(0);
      const rotated = await runServerToExit(['rotate', 'signing-key', '--data', dataDir]);
      expect(rotated.code).toBe(0);
      const mark = alice.events.length;
      server = await startServer(dataDir, server.port);
      await alice.waitFor(
        (event): event is EngineEvent => isOnline(event) && alice.events.indexOf(event) >= mark,
      );

      const after = await alice.engine.send('proofs', 'after the rotation');
      await bob.waitFor(isMessage('after the rotation'));
      expect((await alice.waitFor(isDelivery(after.id))).state).toBe('sent');
      const [second] = await alice.engine.deliveryProofs(after.id, { refresh: true });
      expect(second).toMatchObject({ check: 'valid', keyRetired: false });
      expect(second?.keyId).not.toBe(first?.keyId);
      expect(second?.sequence).toBeGreaterThan(first?.sequence ?? 0n);
      // History shows ✓ from the stored proof.
      const page = await alice.engine.loadMessages('proofs', { limit: 10 });
      expect(page.messages.filter((message) => message.outgoing).map((message) => message.state)).toEqual([
        'sent',
        'sent',
      ]);
      await alice.close();

      const flags = ['--profile', alice.dir];
      const old = await runQpc(['proof', 'verify', before.id, ...flags]);
      expect(old.stderr).toBe('');
      expect(old.code).toBe(0);
      expect(old.stdout).toMatch(/^✓ bob: #\d+ in its queue on localhost, .*\(retired\)/u);
      const fresh = await runQpc(['proof', 'verify', after.id, '--json', ...flags]);
      expect(fresh.code).toBe(0);
      expect(JSON.parse(fresh.stdout)).toMatchObject({ recipient: 'bob', check: 'valid', keyRetired: false });

      // Alter the stored proof of the first message: one day more of keep-until.
      const store = await openProfile({
        dir: alice.dir,
        create: false,
        env: { QPC_STORE_KEY: TEST_STORE_KEY },
      });
      const [stored] = store.deliveryProofs.list(before.id);
      if (stored === undefined) throw new Error('no stored proof');
      const receipt = fromBinary(DeliveryReceiptSchema, stored.receipt);
      const altered = create(DeliveryReceiptSchema, {
        ...receipt,
        keepUntilMs: receipt.keepUntilMs + 86_400_000n,
      });
      store.deliveryProofs.put({ ...stored, receipt: toBinary(DeliveryReceiptSchema, altered) });
      store.close();
      const refused = await runQpc(['proof', 'verify', before.id, ...flags]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('✗ bob');
      expect(refused.stdout).toContain('bad_signature');
      expect(refused.stderr).toContain('delivery proofs of message');
      const offline = await runQpc(['proof', 'show', after.id, ...flags]);
      expect(offline.code).toBe(0);
      expect(offline.stdout).toMatch(/^✓ bob: /u);
    },
  );
});
