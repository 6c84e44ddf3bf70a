/** The qpc-server command, its files, exit codes and signals. */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Method } from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, runServerToExit, startServerProcess } from './serverProcess.js';
import { WireClient } from './wireClient.js';

const dirs: string[] = [];
function dataDir(): string {
  const dir = makeDataDir();
  dirs.push(dir);
  return dir;
}
afterAll(() => dirs.forEach(removeDataDir));

describe('qpc-server command', () => {
  it('development mode creates server-cert.der and server-key.der (0600), logs listening, stops on SIGTERM', async () => {
    const dir = dataDir();
    const server = await startServerProcess(dir);
    expect(statSync(join(dir, 'server-key.der')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'server-cert.der')).isFile()).toBe(true);
    const listening = server.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((e) => e.msg === 'listening');
    expect(listening).toMatchObject({ name: 'qpc-server', event: 'listening', host: '127.0.0.1' });
    expect(listening?.port).toBe(server.port);
    expect(server.certSha256).toMatch(/^[0-9a-f]{64}$/);

    const client = await WireClient.connect(server.port, server.certSha256);
    expect((await client.ok(Method.Ping, {})).supportedVersions).toEqual([1]);
    expect(await server.metrics()).toMatch(/qpc_connections_open 1/);
    await client.close();

    expect(await server.kill('SIGTERM')).toBe(0);
    const events = server.lines.map((line) => (JSON.parse(line) as { event?: string }).event);
    expect(events).toContain('shutting_down');
    expect(events.at(-1)).toBe('stopped');
  });

  it('production mode without a certificate exits 2 and names the missing key', async () => {
    const result = await runServerToExit(['--data', dataDir(), '--production'], {
      QPC_DB_KEY: 'ab'.repeat(32),
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('QPC_CERT');
  });

  it('a malformed certificate exits 2 with a clear message instead of crashing at the first connection', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'bad-cert.pem'), 'not a certificate');
    writeFileSync(join(dir, 'bad-key.pem'), 'not a key');
    const result = await runServerToExit([
      '--data',
      dir,
      '--cert',
      join(dir, 'bad-cert.pem'),
      '--key',
      join(dir, 'bad-key.pem'),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/TLS_/);
  });

  it('a data directory whose db.key went missing refuses to start and keeps its database', async () => {
    const dir = dataDir();
    const first = await startServerProcess(dir);
    expect(await first.kill('SIGTERM')).toBe(0);
    const database = readFileSync(join(dir, 'qpc-server.db'));
    rmSync(join(dir, 'db.key'));
    const result = await runServerToExit([
      '--data',
      dir,
      '--listen',
      '127.0.0.1:0',
      '--admin-listen',
      '127.0.0.1:0',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('DB_KEY_MISSING');
    expect(result.stderr).toContain('db.key');
    expect(result.stderr).toContain('QPC_DB_KEY');
    expect(() => statSync(join(dir, 'db.key'))).toThrow(); // no key was invented
    expect(readFileSync(join(dir, 'qpc-server.db')).equals(database)).toBe(true);
  });

  it('an unknown flag exits 2; --help and --version exit 0', async () => {
    const bad = await runServerToExit(['--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('CONFIG_INVALID');
    const help = await runServerToExit(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--listen');
    const version = await runServerToExit(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^qpc-server \d+\.\d+\.\d+/);
  });
});
