import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpsError, OpsErrorCode } from './opsErrors.js';

/** Written by a running qpc-server into its data directory, removed when it stops. */
export const RUN_STATE_FILE = 'qpc-server.run.json';

/** Where the running server can be asked for its status; nothing secret. */
export interface RunState {
  pid: number;
  startedAt: string;
  version: string;
  adminHost: string;
  adminPort: number;
}

export function writeRunState(dataDir: string, state: RunState): void {
  writeFileSync(join(dataDir, RUN_STATE_FILE), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

/** Remove the file, but only if it still names this process (a second server may have taken over). */
export function removeRunState(dataDir: string, pid: number): void {
  if (readRunState(dataDir)?.pid === pid) rmSync(join(dataDir, RUN_STATE_FILE), { force: true });
}

export function readRunState(dataDir: string): RunState | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, RUN_STATE_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<RunState>;
    if (typeof parsed.pid !== 'number' || typeof parsed.adminPort !== 'number') return undefined;
    return parsed as RunState;
  } catch {
    // A file cut short by a crash while it was written: no server can be reached through it.
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user (the server runs as `qpc`).
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The run state of a live server on this data directory, or undefined. A file left behind by a killed
 * server names a process that is gone, and is ignored; so is one naming this very process (a command
 * run as pid 1 in a fresh container finds the pid 1 of the container the server ran in).
 */
export function liveServer(dataDir: string): RunState | undefined {
  const state = readRunState(dataDir);
  return state !== undefined && state.pid !== process.pid && processAlive(state.pid) ? state : undefined;
}

/** Throw OPS_SERVER_RUNNING when a server is live on this data directory. */
export function refuseIfRunning(dataDir: string, what: string): void {
  const live = liveServer(dataDir);
  if (live === undefined) return;
  throw new OpsError(
    OpsErrorCode.ServerRunning,
    `${what} needs a stopped server, but qpc-server (pid ${live.pid}) is running on ${dataDir}`,
    {
      hint:
        'Stop it first (systemctl stop qpc-server, or SIGTERM), then run this again. If no server runs, ' +
        `delete ${join(dataDir, RUN_STATE_FILE)}.`,
    },
  );
}
