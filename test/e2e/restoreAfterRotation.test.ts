/**
 * A restore from the 24 words after identity rotations, over loopback QUIC with a real qpc-server, real
 * OPAQUE, SQLCipher and MLS: the words derive keys 0, 1, 2...; the restored profile takes the one the
 * directory holds (index 2 after two rotations), can be invited to a new group and reads its messages.
 * Words that derive none of the account's keys are refused with RESTORE_WORDS_NOT_CURRENT_KEY.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import { lookupUsername } from '../../src/engine/client/directory.js';
import { fingerprintOf, identityFromMnemonic } from '../../src/engine/identity/index.js';
import { verifyRotationChain } from '../../src/engine/identity/rotationChain.js';
import { IdentitySettingKey } from '../../src/engine/keys/identityRotation.js';
import { keptRotationChain } from '../../src/engine/keys/rotationChainStore.js';
import { RestoreIdentityErrorCode } from '../../src/engine/keys/restoredIdentityIndex.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import { contextOf } from './engineProbes.js';
import {
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  startServer,
  tempDir,
  type RunningServer,
  type TestClient,
} from './harness.js';

const DAY = 86_400_000;
const dayBehind = { now: (): number => Date.now() - DAY };

describe('restore from the words after identity rotations', () => {
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  let server: RunningServer;
  let bob: TestClient;
  let aliceWords: string;

  const dir = (prefix: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };

  /** The identity key the directory holds for `username`, as bob's client sees it (signature checked). */
  async function directoryKey(username: string): Promise<string> {
    const connection = contextOf(bob).connection();
    if (connection === undefined) throw new Error('bob is not connected');
    return toHex((await lookupUsername(connection, bob.store, username)).identityPublicKey);
  }

  beforeAll(async () => {
    server = await startServer(dir('server'));
    bob = await registeredClient(dir('bob'), server.address, 'bob');
    clients.push(bob);
    const old = await openClient(dir('alice-old'), server.address);
    aliceWords = QpcEngine.createIdentity(old.store);
    await old.engine.register('alice', 'pw-alice');
    expect((await old.engine.rotateIdentity()).statement.keyIndex).toBe(1);
    expect((await old.engine.rotateIdentity()).statement.keyIndex).toBe(2);
    await old.close();
  }, 180_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it('takes the key the directory holds, and is invited and reads', { timeout: 180_000 }, async () => {
    // The engine's clock runs a day behind: the statements the restore signs again carry its time.
    const restored = await openClient(dir('alice-new'), server.address, { clock: dayBehind });
    clients.push(restored);
    const firstKey = QpcEngine.restoreIdentity(restored.store, aliceWords);
    const current = await directoryKey('alice');
    // The words alone give key 0, which two rotations replaced.
    expect(toHex(firstKey)).not.toBe(current);

    await restored.engine.login('alice', 'pw-alice');
    expect(toHex(contextOf(restored).identity().mls.signingPublicKey)).toBe(current);
    expect(toHex(restored.store.identity.load()?.signingPublicKey ?? new Uint8Array())).toBe(current);
    expect(restored.store.settings.get(IdentitySettingKey.keyIndex)).toBe('2');
    // The two rotations come back as a chain signed again from the words: key 0 -> key 1 -> key 2, each
    // link checked as a member checks a move.
    const chain = keptRotationChain(restored.store);
    expect(chain.map((link) => link.keyIndex)).toEqual([1, 2]);
    expect(toHex(chain[0]!.previousKey)).toBe(toHex(firstKey));
    expect(toHex(chain[1]!.newKey)).toBe(current);
    expect(() => verifyRotationChain(chain)).not.toThrow();
    for (const link of chain) expect(link.issuedAt).toBeLessThan(Date.now() - DAY / 2);
    expect((await restored.engine.whoami()).fingerprint).toBe(fingerprintOf(Buffer.from(current, 'hex')).hex);
    // Publishing the new hybrid key under that key went through: the directory still holds it.
    expect(await directoryKey('alice')).toBe(current);

    const group = await bob.engine.createGroup('after the restore');
    await bob.engine.invite(group.id, 'alice');
    await restored.waitFor(isJoined(group.id), 60_000);
    await bob.engine.send(group.id, 'welcome back, alice');
    await restored.waitFor(isMessage('welcome back, alice'), 60_000);
    await restored.engine.send(group.id, 'thanks, bob');
    await bob.waitFor(isMessage('thanks, bob'), 60_000);
  });

  it(
    'refuses words that derive none of the account keys, leaving no account',
    { timeout: 120_000 },
    async () => {
      const client = await openClient(dir('alice-wrong'), server.address);
      clients.push(client);
      const otherWords = `${'abandon '.repeat(23)}art`;
      const other = identityFromMnemonic(otherWords);
      other.privateKey.fill(0);
      QpcEngine.restoreIdentity(client.store, otherWords);
      await expect(client.engine.login('alice', 'pw-alice')).rejects.toMatchObject({
        name: 'AuthError',
        code: RestoreIdentityErrorCode.notCurrentKey,
      });
      expect(client.store.identity.load()?.username).toBeNull();
      expect(toHex(client.store.identity.load()?.signingPublicKey ?? new Uint8Array())).toBe(
        toHex(other.publicKey),
      );
    },
  );
});
