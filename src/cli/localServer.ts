/**
 * The local qpc-server that makes `qpc` work with nothing else installed: on loopback, fixed port, data
 * in the user's data directory. Started in the background (detached, outliving this qpc) when nothing
 * answers on the port, and reused afterwards, also by the next qpc of another profile.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { NetworkError } from '../lib/errors.js';
import { CliErrorCode } from './exitCodes.js';

export const LOCAL_SERVER_HOST = '127.0.0.1';
export const LOCAL_SERVER_PORT = 7443;
export const localServerAddress = `${LOCAL_SERVER_HOST}:${LOCAL_SERVER_PORT}`;

const SERVER_BIN = new URL('../../bin/qpc-server.js', import.meta.url).pathname;
/** Starting loads QUIC, OPAQUE, SQLCipher and ts-mls: seconds on a busy machine. */
const START_TIMEOUT_MS = 60_000;

export type DataEnv = Readonly<Record<string, string | undefined>>;

/** $XDG_DATA_HOME/quicprochat/server, else ~/.local/share/quicprochat/server. */
export function localServerDataDir(env: DataEnv = process.env): string {
  const dataHome =
    env.XDG_DATA_HOME !== undefined && env.XDG_DATA_HOME !== ''
      ? env.XDG_DATA_HOME
      : join(homedir(), '.local', 'share');
  return join(dataHome, 'quicprochat', 'server');
}

/** True when something holds the UDP port: binding it fails with EADDRINUSE. */
export function udpPortInUse(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.close();
      if (error.code === 'EADDRINUSE') resolve(true);
      else reject(error);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(false)));
  });
}

function listeningPortIn(text: string): number | undefined {
  for (const line of text.split('\n')) {
    try {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
    } catch {
      // a partial line, or not JSON
    }
  }
  return undefined;
}

/** The client's secrets (store key, passphrase) are not the server's business. */
function serverEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env, QPC_LOG_LEVEL: 'info' };
  delete copy.QPC_STORE_KEY;
  delete copy.QPC_PASSPHRASE;
  return copy;
}

export interface LocalServerOptions {
  readonly dataDir?: string;
  readonly port?: number;
  readonly env?: DataEnv;
  readonly progress?: (label: string) => void;
}

export interface LocalServer {
  readonly address: string;
  /** True when this call started it; false when one was already there. */
  readonly started: boolean;
  readonly logFile: string;
  /** The process this call started. */
  readonly pid?: number | undefined;
}

/**
 * Makes sure a qpc-server answers on 127.0.0.1:port. A new one is detached with its own session and
 * its output in <dataDir>/server.log, so closing this terminal does not stop it.
 */
export async function ensureLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const port = options.port ?? LOCAL_SERVER_PORT;
  const dataDir = options.dataDir ?? localServerDataDir(options.env);
  const address = `${LOCAL_SERVER_HOST}:${port}`;
  const logFile = join(dataDir, 'server.log');
  if (await udpPortInUse(LOCAL_SERVER_HOST, port)) return { address, started: false, logFile };

  options.progress?.(`Starting the local server on ${address}`);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logStart = existsSync(logFile) ? readFileSync(logFile).length : 0;
  const log = openSync(logFile, 'a', 0o600);
  const child = spawn(
    process.execPath,
    [SERVER_BIN, '--data', dataDir, '--listen', address, '--admin-listen', `${LOCAL_SERVER_HOST}:0`],
    { detached: true, cwd: dataDir, stdio: ['ignore', log, log], env: serverEnv(process.env) },
  );
  closeSync(log);
  let exited: number | string | undefined;
  child.once('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'));
  child.unref();

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const text = readFileSync(logFile).subarray(logStart).toString('utf8');
    if (listeningPortIn(text) !== undefined) return { address, started: true, logFile, pid: child.pid };
    if (exited !== undefined || Date.now() > deadline) {
      // Another qpc may have won the race for the port: then that server is the one to use.
      if (await udpPortInUse(LOCAL_SERVER_HOST, port)) return { address, started: false, logFile };
      throw new NetworkError(
        CliErrorCode.localServerFailed,
        exited === undefined
          ? `the local server did not start within ${START_TIMEOUT_MS / 1000} s`
          : `the local server stopped (${exited}) before listening`,
        { hint: `see ${logFile}` },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
