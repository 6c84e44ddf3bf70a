/**
 * `qpc-server rotate signing-key` on a live data directory: the key published in Ping before the
 * rotation is still published after it (marked retired), beside the new current key, and delivery
 * proofs signed before and after the rotation both verify against what Ping publishes.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import { checkDeliveryProof, Method, type DeliveryReceipt } from '../../src/protocol/index.js';
import {
  makeDataDir,
  removeDataDir,
  runServerToExit,
  startServerProcess,
  type ServerProcess,
} from './serverProcess.js';
import { logIn, registerAccount, WireClient } from './wireClient.js';

const dirs: string[] = [];
const servers: ServerProcess[] = [];
const clients: WireClient[] = [];
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const server of servers) if (server.child.exitCode === null) await server.kill('SIGTERM');
  dirs.forEach(removeDataDir);
});

async function publishedKeys(server: ServerProcess): Promise<{ id: string; key: string; retired: bigint }[]> {
  const client = await WireClient.connect(server.port, server.certSha256);
  clients.push(client);
  const { signingKeys } = await client.ok(Method.Ping, {});
  return signingKeys.map((k) => ({ id: toHex(k.keyId), key: toHex(k.publicKey), retired: k.retiredAtMs }));
}

describe('qpc-server rotate signing-key', () => {
  it('publishes the new key and keeps the retired one published', { timeout: 180_000 }, async () => {
    const dir = makeDataDir();
    dirs.push(dir);
    const env = { QPC_DB_KEY: randomBytes(32).toString('hex') };
    let server = await startServerProcess(dir, [], env);
    servers.push(server);
    const alice = await WireClient.connect(server.port, server.certSha256);
    clients.push(alice);
    const account = await registerAccount(alice, 'alice', 'alice password');
    await logIn(alice, 'alice', 'alice password');
    const payload = new Uint8Array(randomBytes(64));
    const enqueueToSelf = async (client: WireClient): Promise<DeliveryReceipt> => {
      const { receipts } = await client.ok(Method.Enqueue, {
        recipientIdentityKeys: [account.identityPublicKey],
        payload,
      });
      const [receipt] = receipts;
      if (receipt === undefined) throw new Error('Enqueue answered without a delivery proof');
      return receipt;
    };
    const proofBefore = await enqueueToSelf(alice);
    const before = await publishedKeys(server);
    expect(before).toHaveLength(1);
    expect(before[0]?.retired).toBe(0n);

    const running = await runServerToExit(['rotate', 'signing-key', '--data', dir], env);
    expect(running.code).toBe(2);
    expect(running.stderr).toContain('OPS_SERVER_RUNNING');
    await alice.close();
    expect(await server.kill('SIGTERM')).toBe(0);

    const rotated = await runServerToExit(['rotate', 'signing-key', '--data', dir], env);
    expect(rotated.stderr).toContain('"event":"key_rotated"');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`retired ${before[0]?.id ?? '?'}`);

    server = await startServerProcess(dir, [], env);
    servers.push(server);
    const after = await publishedKeys(server);
    expect(after).toHaveLength(2);
    expect(after[0]?.retired).toBe(0n);
    expect(after[0]?.key).not.toBe(before[0]?.key);
    expect(after[1]).toMatchObject({ id: before[0]?.id, key: before[0]?.key });
    expect(after[1]?.retired).toBeGreaterThan(0n);
    const bob = await WireClient.connect(server.port, server.certSha256);
    clients.push(bob);
    await logIn(bob, 'alice', 'alice password');
    const proofAfter = await enqueueToSelf(bob);
    const { signingKeys } = await bob.ok(Method.Ping, {});
    const expected = { recipient: account.identityPublicKey, payload };
    expect(toHex(proofBefore.keyId)).toBe(before[0]?.id);
    expect(toHex(proofAfter.keyId)).toBe(after[0]?.id);
    expect(checkDeliveryProof(proofBefore, signingKeys, expected).valid).toBe(true);
    expect(checkDeliveryProof(proofAfter, signingKeys, expected).valid).toBe(true);
    expect(proofAfter.sequence).toBe(proofBefore.sequence + 1n);
    // A tampered proof stays refused after the rotation.
    expect(
      checkDeliveryProof({ ...proofBefore, acceptedAtMs: proofBefore.acceptedAtMs - 1n }, signingKeys),
    ).toEqual({ valid: false, reason: 'bad_signature' });
    expect(await server.metrics()).toMatch(/qpc_key_rotated_timestamp_seconds\{material="signing-key"\} \d+/);
  });
});
