/**
 * Account passwords over real QUIC, OPAQUE, SQLCipher and MLS:
 * - after `qpc-server rotate opaque-setup` a registered user (with a group and messages) logs in again by
 *   re-registering in place: same name, same groups, old messages kept, new ones delivered;
 * - a session opened before the rotation is refused after it (the rotation ends every session);
 * - LoginStart for such an account answers the distinct REREGISTRATION_REQUIRED;
 * - an impostor without the account's identity key cannot take the name by re-registering;
 * - `qpc account password` (and the engine's changePassword): the old password fails, the new one logs
 *   in, and the account's other sessions end (their session stream hears SessionEnded).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QpcEngine, type EngineEvent } from '../../src/engine/qpcEngine.js';
import { isQpcError } from '../../src/lib/errors.js';
import { Method, WireErrorCode } from '../../src/protocol/index.js';
import { lastRotations } from '../../src/server/ops/rotationLog.js';
import { runServerToExit } from '../server/serverProcess.js';
import { logIn, WireClient } from '../server/wireClient.js';
import {
  isJoined,
  isMessage,
  openClient,
  registeredClient,
  removeDir,
  runQpc,
  startServer,
  tempDir,
  waitUntil,
  type RunningServer,
  type TestClient,
} from './harness.js';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isQpcError(error)) return error.code;
    throw error;
  }
  throw new Error('expected a refusal');
}

const endedBy =
  (reason: string) =>
  (event: EngineEvent): event is Extract<EngineEvent, { type: 'connectionChanged' }> =>
    event.type === 'connectionChanged' &&
    event.connection.status === 'offline' &&
    event.connection.reason === reason;

describe('account passwords', () => {
  const dirs: string[] = [];
  const clients: TestClient[] = [];
  let server: RunningServer;
  let serverDir: string;

  const dir = (prefix: string): string => {
    const made = tempDir(prefix);
    dirs.push(made);
    return made;
  };

  beforeAll(async () => {
    serverDir = dir('server');
    server = await startServer(serverDir);
  }, 120_000);

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server.kill('SIGTERM');
    for (const made of dirs) removeDir(made);
  });

  it(
    'after an OPAQUE setup rotation users re-register in place and keep name, groups and messages',
    { timeout: 240_000 },
    async () => {
      const aliceDir = dir('alice');
      const bobDir = dir('bob');
      let alice = await registeredClient(aliceDir, server.address, 'alice');
      let bob = await registeredClient(bobDir, server.address, 'bob');
      const group = await alice.engine.createGroup('before the rotation');
      await alice.engine.invite(group.id, 'bob');
      await bob.waitFor(isJoined(group.id));
      await alice.engine.send(group.id, 'sent before the rotation');
      await bob.waitFor(isMessage('sent before the rotation'));
      // A session opened before the rotation, kept to be presented after it.
      const before = await WireClient.connect(server.port, serverPin(alice, server));
      let sessionBefore: Uint8Array | undefined;
      try {
        await logIn(before, 'alice', 'pw-alice');
        await before.ok(Method.CountKeyPackages, {});
        sessionBefore = before.token;
      } finally {
        await before.close();
      }
      await alice.close();
      await bob.close();
      const port = server.port;
      expect(await server.kill('SIGTERM')).toBe(0);

      // Refused without the acknowledgement; a dry run changes nothing.
      const unconfirmed = await runServerToExit(['rotate', 'opaque-setup', '--data', serverDir]);
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain('--i-understand-users-must-reregister');
      const dry = await runServerToExit(['rotate', 'opaque-setup', '--dry-run', '--data', serverDir]);
      expect(dry.code).toBe(0);
      expect(dry.stdout).toContain('2 account(s) would re-register');
      expect(existsSync(join(serverDir, 'backups'))).toBe(false);

      const rotated = await runServerToExit([
        'rotate',
        'opaque-setup',
        '--i-understand-users-must-reregister',
        '--data',
        serverDir,
      ]);
      expect(rotated.stderr).toContain('"event":"key_rotated"');
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toContain('2 account(s) re-register in place');
      expect(rotated.stdout).toMatch(/; [1-9]\d* session\(s\) ended/);
      const backups = readdirSync(join(serverDir, 'backups')).filter((name) =>
        name.startsWith('opaque-setup-'),
      );
      expect(backups).toHaveLength(1);
      expect(statSync(join(serverDir, 'backups', backups[0] ?? '')).mode & 0o777).toBe(0o600);
      // Recorded for qpc_key_rotated_timestamp_seconds{material="opaque-setup"} and `qpc-server status`.
      expect(lastRotations(serverDir).get('opaque-setup')).toBeGreaterThan(0);

      server = await startServer(serverDir, port);

      alice = await openClient(aliceDir, server.address);
      clients.push(alice);
      // The distinct code, straight from the wire, before Alice re-registered.
      const wire = await WireClient.connect(server.port, serverPin(alice, server));
      try {
        // Her session from before the rotation ended with it.
        wire.token = sessionBefore;
        const stale = await wire.call(Method.CountKeyPackages, {});
        expect(stale.ok ? 'ok' : stale.error.code).toBe(WireErrorCode.Unauthenticated);
        wire.token = undefined;
        expect(await wireLogin(wire, 'alice', 'pw-alice')).toBe(WireErrorCode.ReRegistrationRequired);
      } finally {
        await wire.close();
      }

      // An impostor with an identity of its own can neither register the name nor re-register it.
      const impostor = await openClient(dir('impostor'), server.address);
      clients.push(impostor);
      QpcEngine.createIdentity(impostor.store);
      expect(await codeOf(impostor.engine.register('alice', 'the impostor password'))).toBe(
        WireErrorCode.UsernameTaken,
      );
      const second = await openClient(dir('impostor2'), server.address);
      clients.push(second);
      QpcEngine.createIdentity(second.store);
      expect(await codeOf(second.engine.login('alice', 'the impostor password'))).toBe(
        WireErrorCode.AuthFailed,
      );

      // Alice logs in with her password: the engine re-registers her in place first.
      const outcome = await alice.engine.login('alice', 'pw-alice');
      expect(outcome.reRegistered).toBe(true);
      await alice.waitFor((event): event is EngineEvent => event.type === 'accountReRegistered');
      expect((await alice.engine.whoami()).username).toBe('alice');
      expect(alice.engine.listGroups().map((g) => g.id)).toContain(group.id);
      const history = await alice.engine.loadMessages(group.id, { limit: 50 });
      expect(history.messages.map((m) => m.text)).toContain('sent before the rotation');
      // The impostor's password does not open her account.
      expect(await codeOf(second.engine.login('alice', 'the impostor password'))).toBe(
        WireErrorCode.AuthFailed,
      );
      // A second login needs no re-registration.
      expect((await alice.engine.login('alice', 'pw-alice')).reRegistered).toBe(false);

      // Bob, through the CLI: it says what happened.
      const bobLogin = await runQpc(['--profile', bobDir, 'account', 'login', 'bob', '--password-stdin'], {
        stdin: 'pw-bob\n',
      });
      expect(bobLogin.stderr).toContain('re-registered in place');
      expect(bobLogin.code).toBe(0);
      bob = await openClient(bobDir, server.address);
      clients.push(bob);
      await bob.engine.connect();
      await alice.engine.send(group.id, 'sent after the rotation');
      await bob.waitFor(isMessage('sent after the rotation'));
    },
  );

  it(
    'account password: the old password fails, the new one works, other sessions end',
    { timeout: 240_000 },
    async () => {
      const laptopDir = dir('carol-laptop');
      const laptop = await openClient(laptopDir, server.address);
      clients.push(laptop);
      const words = QpcEngine.prepareRegistration(laptop.store) ?? '';
      await laptop.engine.register('carol', 'first password');
      QpcEngine.confirmRecoveryWords(laptop.store);
      const phone = await openClient(dir('carol-phone'), server.address);
      clients.push(phone);
      QpcEngine.restoreIdentity(phone.store, words);
      await phone.engine.login('carol', 'first password');
      await waitUntil(() => phone.engine.snapshot().connection.status === 'online');
      await laptop.close();
      clients.splice(clients.indexOf(laptop), 1);

      const wrongOld = await runQpc(['--profile', laptopDir, 'account', 'password', '--password-stdin'], {
        stdin: 'not the password\nsecond password\n',
      });
      expect(wrongOld.code).toBe(3);
      const changed = await runQpc(['--profile', laptopDir, 'account', 'password', '--password-stdin'], {
        stdin: 'first password\nsecond password\n',
      });
      expect(changed.stderr).toBe('');
      expect(changed.code).toBe(0);
      expect(changed.stdout).toContain('password changed for carol');
      expect(changed.stdout).toContain('2 other session(s) ended');
      await phone.waitFor(endedBy(WireErrorCode.Unauthenticated));

      const wire = await WireClient.connect(server.port, serverPin(phone, server));
      try {
        expect(await wireLogin(wire, 'carol', 'first password')).toBe(WireErrorCode.AuthFailed);
        expect(await wireLogin(wire, 'carol', 'second password')).toBe('ok');
      } finally {
        await wire.close();
      }
      expect((await phone.engine.login('carol', 'second password')).reRegistered).toBe(false);
    },
  );
});

/** The certificate pin the engine saved at its first connection (the server keeps its certificate). */
function serverPin(client: TestClient, server: RunningServer): string {
  const pin = client.store.serverPins.get(server.address);
  if (pin === undefined) throw new Error(`no pin saved for ${server.address}`);
  return pin;
}

async function wireLogin(client: WireClient, username: string, password: string): Promise<string> {
  await opaque.ready;
  const start = opaque.client.startLogin({ password });
  const started = await client.call(Method.LoginStart, {
    username,
    startLoginRequest: start.startLoginRequest,
  });
  if (!started.ok) return started.error.code;
  const finished = opaque.client.finishLogin({
    clientLoginState: start.clientLoginState,
    loginResponse: started.body.loginResponse,
    password,
  });
  if (finished === undefined) return WireErrorCode.AuthFailed;
  const done = await client.call(Method.LoginFinish, {
    loginId: started.body.loginId,
    finishLoginRequest: finished.finishLoginRequest,
  });
  return done.ok ? 'ok' : done.error.code;
}
