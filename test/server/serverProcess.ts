import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = new URL('../../bin/qpc-server.js', import.meta.url).pathname;

export interface ListeningLine {
  port: number;
  adminPort: number;
  certSha256: string;
}

export interface ServerProcess extends ListeningLine {
  child: ChildProcess;
  dataDir: string;
  /** Every stdout line so far (pino JSON). */
  lines: string[];
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
  metrics(): Promise<string>;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

export function makeDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'qpc-server-test-'));
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Run bin/qpc-server.js to completion (for --help, bad configs): exit code, stdout and stderr. */
export function runServerToExit(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/**
 * Spawn qpc-server in its own process on loopback with port 0 (QUIC and admin) and wait for its
 * `"msg":"listening"` line: the way the TUI and scripts wait for it too.
 */
export async function startServerProcess(
  dataDir: string,
  extraArgs: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    [BIN, '--data', dataDir, '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', ...extraArgs],
    { env: { ...process.env, QPC_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const listening = await new Promise<ListeningLine>((resolve, reject) => {
    const reader = createInterface({ input: child.stdout });
    reader.on('line', (line) => {
      lines.push(line);
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === 'listening') {
        resolve({
          port: entry.port as number,
          adminPort: entry.adminPort as number,
          certSha256: entry.certSha256 as string,
        });
      }
    });
    void exited.then((code) => reject(new Error(`qpc-server exited (${code}) before listening: ${stderr}`)));
  });
  return {
    ...listening,
    child,
    dataDir,
    lines,
    exited,
    metrics: async () => (await fetch(`http://127.0.0.1:${listening.adminPort}/metrics`)).text(),
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}
