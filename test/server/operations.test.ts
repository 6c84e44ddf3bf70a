/**
 * Operator commands against a real qpc-server process, real QUIC clients and the real SQLCipher file:
 * an online backup while clients keep writing, status from the admin endpoint and from the data
 * directory, restore refused on a running server and done on a stopped one, and certificate expiry.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Method } from '../../src/protocol/index.js';
import type { StatusReport } from '../../src/server/ops/serverStatus.js';
import { writeTestCertificate } from './certificates.js';
import {
  makeDataDir,
  removeDataDir,
  runServerToExit,
  startServerProcess,
  type ServerProcess,
} from './serverProcess.js';
import { logIn, newClientMessageId, registerAccount, WireClient } from './wireClient.js';

const DAY = 86_400_000;
const dirs: string[] = [];
const servers: ServerProcess[] = [];
const clients: WireClient[] = [];
function dataDir(): string {
  const dir = makeDataDir();
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const server of servers) if (server.child.exitCode === null) await server.kill('SIGTERM');
  dirs.forEach(removeDataDir);
});

// Rate limits out of the way: the test writes as fast as it can while a backup runs.
const FAST = ['--rate-limit-per-ip', '1000000', '--rate-limit-per-account', '1000000'];

async function start(
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const server = await startServerProcess(dir, [...FAST, ...args], env);
  servers.push(server);
  return server;
}

async function connect(server: ServerProcess): Promise<WireClient> {
  const client = await WireClient.connect(server.port, server.certSha256);
  clients.push(client);
  return client;
}

async function status(dir: string): Promise<StatusReport> {
  const result = await runServerToExit(['status', '--json', '--data', dir]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as StatusReport;
}

describe('backup, status and restore', () => {
  // Seven qpc-server processes start one after another (each compiles the sources through tsx).
  it(
    'backs up online while clients write, refuses to restore on a running server, restores a stopped one',
    { timeout: 240_000 },
    async () => {
      const dir = dataDir();
      let server = await start(dir, ['--message-max-bytes', '100']);
      const alice = await connect(server);
      const bob = await connect(server);
      const account = await registerAccount(alice, 'alice', 'alice password');
      const bobAccount = await registerAccount(bob, 'bob', 'bob password');
      await logIn(alice, account.username, account.password);
      await logIn(bob, bobAccount.username, bobAccount.password);
      let sent = 0;
      const send = async (): Promise<void> => {
        const payload = new TextEncoder().encode(`message ${sent}`);
        sent += 1;
        await alice.ok(Method.Enqueue, {
          recipientIdentityKeys: [bobAccount.identityPublicKey],
          payload,
          clientMessageId: newClientMessageId(),
        });
      };
      for (let i = 0; i < 10; i += 1) await send();
      // A refused delivery and the logins show in the metrics the alert rules watch.
      const tooLarge = await alice.call(Method.Enqueue, {
        recipientIdentityKeys: [bobAccount.identityPublicKey],
        payload: new Uint8Array(200),
        clientMessageId: newClientMessageId(),
      });
      expect(tooLarge.ok).toBe(false);
      const metrics = await server.metrics();
      expect(metrics).toMatch(/qpc_delivery_failures_total\{reason="MESSAGE_TOO_LARGE"\} 1\n/);
      const gauge = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(gauge('qpc_last_login_success_timestamp_seconds')).toBeGreaterThan(
        gauge('qpc_start_time_seconds'),
      );

      const running = await status(dir);
      expect(running).toMatchObject({ running: true, source: 'admin', ready: true });
      expect(running.queues).toEqual({ messages: 10, recipients: 1, deepest: 10 });
      expect(running.sessions.active).toBe(2);
      expect(running.certificates[0]).toMatchObject({
        role: 'tls',
        sha256: server.certSha256,
        daysLeft: 364,
      });
      expect((await fetch(`http://127.0.0.1:${server.adminPort}/readyz`)).status).toBe(200);

      // Alice keeps writing for as long as the backup runs: the backup must be one consistent snapshot.
      const backupFile = join(dataDir(), 'qpc-backup.db');
      const backup = runServerToExit(['backup', '--data', dir, '--to', backupFile]);
      let backupDone = false;
      void backup.then(() => (backupDone = true));
      while (!backupDone) await send();
      const backupResult = await backup;
      expect(backupResult.stderr).toBe('');
      expect(backupResult.code).toBe(0);
      expect(statSync(backupFile).mode & 0o777).toBe(0o600);
      const sentBeforeStop = sent;

      const refused = await runServerToExit(['restore', '--data', dir, '--from', backupFile]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('OPS_SERVER_RUNNING');

      await alice.close();
      await bob.close();
      expect(await server.kill('SIGTERM')).toBe(0);
      expect(existsSync(join(dir, 'qpc-server.run.json'))).toBe(false);
      const stopped = await status(dir);
      expect(stopped).toMatchObject({ running: false, source: 'data-dir' });
      expect(stopped.queues.messages).toBe(sentBeforeStop);

      const restored = await runServerToExit(['restore', '--data', dir, '--from', backupFile]);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(
        readdirSync(join(dir, 'backups')).some((name) => name.startsWith('qpc-server.db.pre-restore-')),
      ).toBe(true);

      // The restored server has a prefix of what was sent, in order, and nothing else.
      server = await start(dir);
      const bobAgain = await connect(server);
      await logIn(bobAgain, bobAccount.username, bobAccount.password);
      const payloads: string[] = [];
      let after = 0n;
      for (;;) {
        const page = await bobAgain.ok(Method.FetchQueue, { afterMessageId: after, limit: 500 });
        payloads.push(...page.messages.map((message) => new TextDecoder().decode(message.payload)));
        after = page.messages.at(-1)?.messageId ?? after;
        if (!page.more) break;
      }
      expect(payloads.length).toBeGreaterThanOrEqual(10);
      expect(payloads.length).toBeLessThanOrEqual(sentBeforeStop);
      expect(payloads).toEqual(payloads.map((_, index) => `message ${index}`));
      expect((await status(dir)).queues.messages).toBe(payloads.length);
    },
  );
});

describe('command line', () => {
  it('lists the commands in --help, explains each with --help, and names a missing option', async () => {
    const help = await runServerToExit(['--help']);
    expect(help.code).toBe(0);
    for (const usage of ['backup --to FILE', 'restore --from FILE', 'status [--json]']) {
      expect(help.stdout).toContain(`qpc-server ${usage}`);
    }
    const missing = await runServerToExit(['backup', '--data', dataDir()]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to: required');
    const empty = await runServerToExit(['backup', '--data', dataDir(), '--to', join(dataDir(), 'b.db')]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('OPS_DATABASE_MISSING');
  });
});

describe('certificate expiry', () => {
  it('warns about a TLS or federation certificate expiring within 30 days and exports both expiry times', async () => {
    const dir = dataDir();
    const now = Date.now();
    const tls = await writeTestCertificate(dir, 'tls', {
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 10 * DAY),
    });
    const federation = await writeTestCertificate(dir, 'federation', {
      notBefore: new Date(now - DAY),
      notAfter: new Date(now + 20 * DAY),
    });
    const server = await start(dir, [
      '--cert',
      tls.cert,
      '--key',
      tls.key,
      '--federation-cert',
      federation.cert,
      '--federation-key',
      federation.key,
    ]);
    const warnings = server.lines
      .map((line) => JSON.parse(line) as { event?: string; certificate?: string; daysLeft?: number })
      .filter((entry) => entry.event === 'tls_certificate_expiring');
    expect(warnings.map((entry) => [entry.certificate, entry.daysLeft])).toEqual([
      ['tls', 9],
      ['federation', 19],
    ]);
    const metrics = await server.metrics();
    const expiry = (role: string): number =>
      Number(
        new RegExp(`qpc_tls_cert_expiry_timestamp_seconds\\{certificate="${role}"\\} (\\d+)`).exec(
          metrics,
        )?.[1],
      );
    expect(expiry('tls')).toBe(Math.floor((now + 10 * DAY) / 1000));
    expect(expiry('federation')).toBe(Math.floor((now + 20 * DAY) / 1000));
    const report = await status(dir);
    expect(report.certificates.map((cert) => [cert.role, cert.daysLeft])).toEqual([
      ['tls', 9],
      ['federation', 19],
    ]);
  });

  it('refuses to start in production with an expired certificate (exit 2, TLS_CERT_EXPIRED)', async () => {
    const dir = dataDir();
    const now = Date.now();
    const expired = await writeTestCertificate(dir, 'old', {
      notBefore: new Date(now - 60 * DAY),
      notAfter: new Date(now - DAY),
    });
    const result = await runServerToExit(
      [
        '--data',
        dir,
        '--production',
        '--listen',
        '127.0.0.1:0',
        '--admin-listen',
        '127.0.0.1:0',
        '--cert',
        expired.cert,
        '--key',
        expired.key,
      ],
      { QPC_DB_KEY: 'cd'.repeat(32) },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TLS_CERT_EXPIRED');
  });
});
