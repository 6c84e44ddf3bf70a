/**
 * A lost device: alice registers in one profile, then restores a second profile from her 24 words and logs
 * in with OPAQUE. The identity key (and so the fingerprint) is the same; the restored profile's fresh hybrid
 * public key replaces the server's copy (PublishKeys).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/lib/bytes.js';
import { HYBRID_KEY_UNPUBLISHED_SETTING } from '../../src/engine/client/localIdentity.js';
import { fingerprintOf } from '../../src/engine/identity/index.js';
import { QpcEngine } from '../../src/engine/qpcEngine.js';
import {
  openClient,
  removeDir,
  startServer,
  tempDir,
  type RunningServer,
  type TestClient,
} from './harness.js';

describe('log in on a new profile from the recovery words', () => {
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  let server: RunningServer;

  beforeAll(async () => {
    const data = tempDir('server');
    dirs.push(data);
    server = await startServer(data);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server.kill('SIGTERM');
    for (const dir of dirs) removeDir(dir);
  });

  it('restores the same identity and publishes the new hybrid key', { timeout: 180_000 }, async () => {
    const oldDir = tempDir('alice-old');
    dirs.push(oldDir);
    const old = await openClient(oldDir, server.address);
    const words = QpcEngine.createIdentity(old.store);
    await old.engine.register('alice', 'pw-alice');
    const oldIdentity = await old.engine.whoami();
    const oldHybrid = old.store.identity.load()?.hybridPublicKey ?? new Uint8Array();
    await old.close();

    const newDir = tempDir('alice-new');
    dirs.push(newDir);
    const restored = await openClient(newDir, server.address);
    clients.push(restored);
    const publicKey = QpcEngine.restoreIdentity(restored.store, words);
    expect(fingerprintOf(publicKey).hex).toBe(oldIdentity.fingerprint);
    expect(restored.store.settings.get(HYBRID_KEY_UNPUBLISHED_SETTING)).toBe('1');
    await expect(restored.engine.login('alice', 'wrong password')).rejects.toMatchObject({
      name: 'AuthError',
    });
    await restored.engine.login('alice', 'pw-alice');
    const newIdentity = await restored.engine.whoami();
    expect(newIdentity.username).toBe('alice');
    expect(newIdentity.fingerprint).toBe(oldIdentity.fingerprint);
    expect(restored.store.settings.get(HYBRID_KEY_UNPUBLISHED_SETTING)).toBeUndefined();
    const newHybrid = restored.store.identity.load()?.hybridPublicKey ?? new Uint8Array();
    expect(toHex(newHybrid)).not.toBe(toHex(oldHybrid));
    // Being invited after the restore: accountRecovery.test.ts.
  });

  it(
    'refuses the words of another account, then accepts the right ones on the same profile',
    { timeout: 120_000 },
    async () => {
      const carolDir = tempDir('carol-old');
      dirs.push(carolDir);
      const carolOld = await openClient(carolDir, server.address);
      const carolWords = QpcEngine.createIdentity(carolOld.store);
      await carolOld.engine.register('carol', 'pw-carol');
      const carolFingerprint = (await carolOld.engine.whoami()).fingerprint;
      await carolOld.close();

      const dir = tempDir('carol-new');
      dirs.push(dir);
      let client = await openClient(dir, server.address);
      // Valid words, but of another identity: OPAQUE accepts the password, none of their keys is in the directory.
      QpcEngine.restoreIdentity(client.store, `${'abandon '.repeat(23)}art`);
      await expect(client.engine.login('carol', 'pw-carol')).rejects.toMatchObject({
        code: 'RESTORE_WORDS_NOT_CURRENT_KEY',
      });
      expect(client.store.identity.load()?.username).toBeNull();
      await client.close();

      client = await openClient(dir, server.address);
      clients.push(client);
      QpcEngine.restoreIdentity(client.store, carolWords);
      await client.engine.login('carol', 'pw-carol');
      expect((await client.engine.whoami()).fingerprint).toBe(carolFingerprint);
    },
  );

  it('rejects mistyped words with typed errors and leaves the profile empty', async () => {
    const dir = tempDir('typo');
    dirs.push(dir);
    const client = await openClient(dir, server.address);
    clients.push(client);
    const words = Array.from({ length: 24 }, () => 'abandon');
    words[4] = 'abandonx';
    expect(() => QpcEngine.restoreIdentity(client.store, words.join(' '))).toThrow(
      expect.objectContaining({ code: 'MNEMONIC_UNKNOWN_WORD' }),
    );
    words[4] = 'abandon';
    expect(() => QpcEngine.restoreIdentity(client.store, words.join(' '))).toThrow(
      expect.objectContaining({ code: 'MNEMONIC_BAD_CHECKSUM' }),
    );
    expect(client.store.identity.load()).toBeUndefined();
  });
});
