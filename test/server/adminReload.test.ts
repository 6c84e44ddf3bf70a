/**
 * Certificate reloads on a real qpc-server process over real QUIC:
 * - POST /reload on the admin listener, with the admin token only (none, a wrong one, GET: refused), runs
 *   the reload SIGHUP runs: new connections get the new certificate, an open session keeps working;
 * - without QPC_ADMIN_TOKEN the endpoint is off.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../e2e/harness.js';
import { Method } from '../../src/protocol/index.js';
import type { StatusReport } from '../../src/server/ops/serverStatus.js';
import { writeTestCertificate } from './certificates.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, registerAccount, WireClient } from './wireClient.js';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef';
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

function reload(server: { adminPort: number }, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`http://127.0.0.1:${server.adminPort}/reload`, { method: 'POST', headers });
}

async function connect(port: number, pin: string): Promise<WireClient> {
  const client = await WireClient.connect(port, pin);
  clients.push(client);
  return client;
}

describe('POST /reload', () => {
  it(
    'reloads the certificates with the admin token only; open sessions stay',
    { timeout: 120_000 },
    async () => {
      const dir = dataDir();
      const certDir = dataDir();
      const validity = {
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 90 * 86_400_000),
      };
      const installed = await writeTestCertificate(certDir, 'served', validity);
      const server = await startServerProcess(dir, [], {
        QPC_CERT: installed.cert,
        QPC_KEY: installed.key,
        QPC_ADMIN_TOKEN: ADMIN_TOKEN,
      });
      servers.push(server);
      const alice = await connect(server.port, server.certSha256);
      const account = await registerAccount(alice, 'alice', 'alice password');
      await logIn(alice, account.username, account.password);

      // A new pair at the configured paths, as `rotate tls-cert` or an ACME client leaves it.
      await writeTestCertificate(certDir, 'served', validity);

      expect((await reload(server)).status).toBe(401);
      const wrong = await reload(server, { authorization: `Bearer ${ADMIN_TOKEN}x` });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
      expect((await reload(server, { authorization: ADMIN_TOKEN })).status).toBe(401);
      const get = await fetch(`http://127.0.0.1:${server.adminPort}/reload`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
      expect(get.status).toBe(405);
      expect(server.lines.some((line) => line.includes('"event":"tls_reloaded"'))).toBe(false);

      const accepted = await reload(server, { authorization: `Bearer ${ADMIN_TOKEN}` });
      expect(accepted.status).toBe(200);
      const outcome = (await accepted.json()) as { reloaded: boolean; certSha256: string };
      expect(outcome.reloaded).toBe(true);
      expect(outcome.certSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(outcome.certSha256).not.toBe(server.certSha256);
      // The log line is written after the answer; stdout may lag behind it.
      await waitUntil(() => server.lines.some((line) => line.includes('"event":"tls_reloaded"')));

      // The open connection keeps its session; a new one is served the new certificate.
      await alice.ok(Method.CountKeyPackages, {});
      const bob = await connect(server.port, outcome.certSha256);
      await registerAccount(bob, 'bob', 'bob password');
      await expect(connect(server.port, server.certSha256)).rejects.toThrow();
      const status = (await (
        await fetch(`http://127.0.0.1:${server.adminPort}/status`)
      ).json()) as StatusReport;
      expect(status.certificates[0]?.sha256).toBe(outcome.certSha256);
    },
  );

  it('is off without QPC_ADMIN_TOKEN', { timeout: 60_000 }, async () => {
    const server = await startServerProcess(dataDir());
    servers.push(server);
    const refused = await reload(server, { authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('QPC_ADMIN_TOKEN');
  });
});
