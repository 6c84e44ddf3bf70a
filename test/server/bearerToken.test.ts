/**
 * The shared bearer token ("auth version 1") against a real qpc-server process over real QUIC with real
 * OPAQUE: a private server admits only callers with the token, other methods refuse one, and
 * `qpc-server rotate auth-token` issues a new one while the old keeps working for the grace period only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as opaque from '@serenity-kit/opaque';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BEARER_AUTH_VERSION,
  encodeCall,
  decodeResponse,
  Method,
  WireErrorCode,
} from '../../src/protocol/index.js';
import {
  makeDataDir,
  removeDataDir,
  runServerToExit,
  startServerProcess,
  type ServerProcess,
} from './serverProcess.js';
import { logIn, registerAccount, WireClient } from './wireClient.js';

const OLD_TOKEN = 'old-bearer-token-0123456789';
const dirs: string[] = [];
const servers: ServerProcess[] = [];
const clients: WireClient[] = [];
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const server of servers) if (server.child.exitCode === null) await server.kill('SIGTERM');
  dirs.forEach(removeDataDir);
});

async function start(env: Record<string, string>): Promise<ServerProcess> {
  const dir = makeDataDir();
  dirs.push(dir);
  const server = await startServerProcess(dir, [], env);
  servers.push(server);
  return server;
}

async function connect(
  server: ServerProcess,
  token?: string,
  authVersion = BEARER_AUTH_VERSION,
): Promise<WireClient> {
  const client = await WireClient.connect(server.port, server.certSha256);
  clients.push(client);
  if (token !== undefined) client.bearer = { authVersion, token: new TextEncoder().encode(token) };
  return client;
}

/** LoginStart alone: the bearer is checked before OPAQUE, so this says whether the token is admitted. */
async function admitted(server: ServerProcess, token: string | undefined, username: string): Promise<string> {
  await opaque.ready;
  const client = await connect(server, token);
  const start = opaque.client.startLogin({ password: 'correct horse battery' });
  const result = await client.call(Method.LoginStart, {
    username,
    startLoginRequest: start.startLoginRequest,
  });
  await client.close();
  return result.ok ? 'ok' : result.error.code;
}

describe('bearer token (auth version 1)', () => {
  it('a private server admits only callers with the token, and no other method accepts one', async () => {
    const server = await start({ QPC_AUTH_TOKEN: OLD_TOKEN });
    const without = await connect(server);
    const refused = await without.call(Method.RegisterStart, {
      username: 'nobody',
      registrationRequest: opaque.client.startRegistration({ password: 'pw' }).registrationRequest,
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe(WireErrorCode.Unauthenticated);

    const member = await connect(server, OLD_TOKEN);
    await registerAccount(member, 'alice', 'correct horse battery');
    await logIn(member, 'alice', 'correct horse battery');
    // The session, once open, needs no bearer token.
    await member.ok(Method.CountKeyPackages, {});

    expect(await admitted(server, 'a-wrong-token-0123456789', 'alice')).toBe(WireErrorCode.Unauthenticated);
    expect(await admitted(server, undefined, 'alice')).toBe(WireErrorCode.Unauthenticated);
    const wrongVersion = await connect(server, OLD_TOKEN, 2);
    const versionResult = await wrongVersion.call(Method.LoginStart, {
      username: 'alice',
      startLoginRequest: opaque.client.startLogin({ password: 'x' }).startLoginRequest,
    });
    expect(versionResult.ok ? 'ok' : versionResult.error.code).toBe(WireErrorCode.Unauthenticated);

    const bearer = { authVersion: BEARER_AUTH_VERSION, token: new TextEncoder().encode(OLD_TOKEN) };
    const ping = decodeResponse(
      await member.transport.request(encodeCall(Method.Ping, 9, {}, undefined, bearer)),
    );
    expect(ping.ok ? 'ok' : ping.error.code).toBe(WireErrorCode.BadRequest);

    expect(await server.metrics()).toMatch(/qpc_auth_failures_total\{reason="bearer_invalid"\} [3-9]/);
  }, 60_000);

  it('an open server refuses a bearer token rather than ignore it', async () => {
    const server = await start({});
    expect(await admitted(server, OLD_TOKEN, 'anyone')).toBe(WireErrorCode.Unauthenticated);
  }, 60_000);
});

describe('qpc-server rotate auth-token', () => {
  it('issues a new token; the old one works during the grace period and not after', async () => {
    const server = await start({ QPC_AUTH_TOKEN: OLD_TOKEN });
    const before = await connect(server, OLD_TOKEN);
    await registerAccount(before, 'bot', 'correct horse battery');
    await logIn(before, 'bot', 'correct horse battery');

    const dry = await runServerToExit(['rotate', 'auth-token', '--dry-run', '--data', server.dataDir], {
      QPC_AUTH_TOKEN: OLD_TOKEN,
    });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('Nothing was changed');
    expect(readdirSync(server.dataDir)).not.toContain('auth-tokens.json');

    const rotated = await runServerToExit(
      ['rotate', 'auth-token', '--grace', '20s', '--data', server.dataDir],
      {
        QPC_AUTH_TOKEN: OLD_TOKEN,
      },
    );
    expect(rotated.code).toBe(0);
    const newToken = /shown once\): (\S+)/.exec(rotated.stdout)?.[1] ?? '';
    expect(newToken.length).toBeGreaterThanOrEqual(32);
    expect(rotated.stderr).toContain('"event":"key_rotated"');
    expect(rotated.stderr).not.toContain(newToken);

    const backups = readdirSync(join(server.dataDir, 'backups')).filter((name) =>
      name.startsWith('auth-token-'),
    );
    expect(backups).toHaveLength(1);
    const backupPath = join(server.dataDir, 'backups', backups[0] ?? '');
    expect(statSync(backupPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(backupPath, 'utf8')).not.toContain(OLD_TOKEN);
    expect(statSync(join(server.dataDir, 'auth-tokens.json')).mode & 0o777).toBe(0o600);

    // Within the grace period: the session from before, the old token and the new one all work.
    await before.ok(Method.CountKeyPackages, {});
    expect(await admitted(server, OLD_TOKEN, 'bot')).toBe('ok');
    const after = await connect(server, newToken);
    await logIn(after, 'bot', 'correct horse battery');
    expect(await server.metrics()).toMatch(/qpc_key_rotated_timestamp_seconds\{material="auth-token"\} \d+/);

    // After it: the old token is refused (waiting for that state, not a fixed time); the new one works.
    const deadline = Date.now() + 60_000;
    let outcome = 'ok';
    while (outcome === 'ok' && Date.now() < deadline) {
      outcome = await admitted(server, OLD_TOKEN, 'bot');
      // Every probe leaves a pending login behind (LoginStart alone), and an address may hold only a
      // small share of those: probe every 2 s so the probes stay within it over the grace period.
      if (outcome === 'ok') await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    expect(outcome).toBe(WireErrorCode.Unauthenticated);
    expect(await admitted(server, newToken, 'bot')).toBe('ok');
  }, 120_000);

  it('refuses a material that has no command yet and a server with no token', async () => {
    const dir = makeDataDir();
    dirs.push(dir);
    const open = await runServerToExit(['rotate', 'auth-token', '--data', dir]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('OPS_ROTATION_INVALID');
    const unknown = await runServerToExit(['rotate', 'moon-key', '--data', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown material');
  }, 60_000);
});
