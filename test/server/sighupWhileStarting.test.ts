/**
 * A SIGHUP sent to a real qpc-server process while it still starts no longer ends the process: the
 * reload it asks for waits until the server listens (log `reload_deferred`, then `tls_reloaded`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataDir, removeDataDir } from './serverProcess.js';

const BIN = new URL('../../bin/qpc-server.js', import.meta.url).pathname;
const dirs: string[] = [];

function dataDir(): string {
  const dir = makeDataDir();
  dirs.push(dir);
  return dir;
}

afterAll(() => dirs.forEach(removeDataDir));

describe('SIGHUP while starting', () => {
  it('is served once the server listens instead of ending the process', { timeout: 120_000 }, async () => {
    const dir = dataDir();
    const child = spawn(
      process.execPath,
      [BIN, '--data', dir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0'],
      { env: { ...process.env, QPC_LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | string>((resolve) =>
      child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
    );
    const lines: string[] = [];
    const events: string[] = [];
    let adminPort = 0;
    const seen = (event: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (events.includes(event)) resolve();
        };
        reader.on('line', check);
        check();
        void exited.then((code) => reject(new Error(`qpc-server exited (${code}) before ${event}`)));
      });
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as { event?: string; msg?: string; adminPort?: number };
      if (entry.event !== undefined) events.push(entry.event);
      if (entry.msg === 'listening') adminPort = entry.adminPort ?? 0;
    });
    try {
      // The first line the server writes: from here on it is starting and not yet listening.
      await seen('starting');
      child.kill('SIGHUP');
      await seen('listening');
      await seen('tls_reloaded');
      expect(child.exitCode).toBeNull();
      const order = ['reload_deferred', 'tls_reloaded'].map((event) => events.indexOf(event));
      expect(order[0]).toBeGreaterThan(events.indexOf('listening'));
      expect(order[1]).toBeGreaterThan(order[0] ?? 0);
      expect((await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
