/**
 * KeyPackages over real QUIC, with qpc-server started in process through startQpcServer:
 * KeyPackages made by the engine are uploaded, counted, handed out once, then the last-resort one.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ciphersuites } from 'ts-mls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { CLASSICAL_CIPHERSUITE, defaultMlsCryptoProvider } from '../../src/engine/mls/ciphersuites.js';
import { generateKeyPackage, parseMemberKeyPackage } from '../../src/engine/mls/keyPackages.js';
import { newTestIdentity } from '../../src/engine/mls/testKit.js';
import { createMemoryStore } from '../../src/engine/store/memoryStore.js';
import { Method, WireErrorCode } from '../../src/protocol/index.js';
import { loadServerConfig } from '../../src/server/config/loadServerConfig.js';
import { startQpcServer, type RunningQpcServer } from '../../src/server/main.js';
import { realSleep, systemRandomBytes } from '../../src/server/serverDeps.js';
import { makeDataDir, removeDataDir } from './serverProcess.js';
import { logIn, registerAccount, WireClient } from './wireClient.js';

const SUITE_ID = ciphersuites[CLASSICAL_CIPHERSUITE as keyof typeof ciphersuites];
const dataDir = makeDataDir();
let server: RunningQpcServer;
let dave: WireClient;
let erin: WireClient;

beforeAll(async () => {
  const config = loadServerConfig({
    argv: ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0'],
    env: {},
    cwd: dataDir,
  });
  server = await startQpcServer(config, {
    clock: systemClock,
    randomBytes: systemRandomBytes,
    sleep: realSleep,
    logger: silentLogger(),
  });
  dave = await WireClient.connect(server.port, server.certSha256);
  erin = await WireClient.connect(server.port, server.certSha256);
});

afterAll(async () => {
  await dave.close();
  await erin.close();
  await server.stop();
  removeDataDir(dataDir);
});

describe('KeyPackages over QUIC', () => {
  it('hands each ordinary KeyPackage out once, then the last-resort one, then NO_KEY_PACKAGE', async () => {
    const identity = newTestIdentity();
    await registerAccount(dave, 'dave', 'dave password', {
      publicKey: identity.signingPublicKey,
      sign: (message) => ed25519.sign(message, identity.signingPrivateKey),
    });
    await logIn(dave, 'dave', 'dave password');
    await registerAccount(erin, 'erin', 'erin password');
    await logIn(erin, 'erin', 'erin password');

    const store = createMemoryStore();
    const make = (lastResort: boolean) =>
      generateKeyPackage({
        store,
        provider: defaultMlsCryptoProvider,
        clock: systemClock,
        identity,
        ciphersuite: CLASSICAL_CIPHERSUITE,
        lastResort,
      });
    const packages = [await make(false), await make(false), await make(true)];
    const uploaded = await dave.ok(Method.UploadKeyPackages, {
      keyPackages: packages.map((p) => ({
        keyPackage: p.publicPackage,
        cipherSuite: SUITE_ID,
        lastResort: p.lastResort,
      })),
    });
    expect(uploaded.available).toBe(2);
    expect(await dave.ok(Method.CountKeyPackages, { cipherSuite: SUITE_ID })).toMatchObject({
      available: 2,
      hasLastResort: true,
    });

    const fetched = [];
    for (let i = 0; i < 3; i++) {
      fetched.push(await erin.ok(Method.FetchKeyPackage, { username: 'dave', cipherSuite: SUITE_ID }));
    }
    expect(fetched.map((f) => f.lastResort)).toEqual([false, false, true]);
    expect(fetched[0]?.identityPublicKey).toEqual(identity.signingPublicKey);
    // What the server hands out is an MLSMessage the engine accepts as a member's KeyPackage.
    for (const f of fetched) {
      await expect(
        parseMemberKeyPackage(f.keyPackage, defaultMlsCryptoProvider, CLASSICAL_CIPHERSUITE),
      ).resolves.toBeDefined();
    }
    expect(new Set(fetched.slice(0, 2).map((f) => Buffer.from(f.keyPackage).toString('hex'))).size).toBe(2);
    expect((await dave.ok(Method.CountKeyPackages, { cipherSuite: SUITE_ID })).available).toBe(0);

    const unknown = await erin.call(Method.FetchKeyPackage, { username: 'nobody', cipherSuite: SUITE_ID });
    expect(unknown.ok ? 'ok' : unknown.error.code).toBe(WireErrorCode.NotFound);
    const none = await dave.call(Method.FetchKeyPackage, { username: 'erin', cipherSuite: SUITE_ID });
    expect(none.ok ? 'ok' : none.error.code).toBe(WireErrorCode.NoKeyPackage);
  });

  it('refuses a KeyPackage signed by someone else than the uploader, with the reason', async () => {
    const stranger = newTestIdentity();
    const foreign = await generateKeyPackage({
      store: createMemoryStore(),
      provider: defaultMlsCryptoProvider,
      clock: systemClock,
      identity: stranger,
      ciphersuite: CLASSICAL_CIPHERSUITE,
    });
    const refused = await dave.call(Method.UploadKeyPackages, {
      keyPackages: [{ keyPackage: foreign.publicPackage, cipherSuite: SUITE_ID, lastResort: false }],
    });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe(WireErrorCode.BadRequest);
    expect(refused.error.message).toContain('wrong_signature_key');
  });
});
