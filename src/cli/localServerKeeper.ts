/**
 * Keeps the local qpc-server up while a qpc uses it. The server runs detached (localServer.ts), so
 * nothing restarted it when it died (a crash, an OOM kill, kill -9): the client stayed offline for good.
 * Now, when the engine goes offline and nothing holds the server's UDP port any more, the server is
 * started again, with growing waits between failed attempts; each step is logged and reported for the
 * status line. A server that still holds its port is alive (a network hiccup): it is left alone.
 */
import { isQpcError, NetworkError, type QpcError } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { EngineEvent } from '../engine/qpcEngine.js';
import { CliErrorCode } from './exitCodes.js';
import {
  ensureLocalServer,
  LOCAL_SERVER_HOST,
  LOCAL_SERVER_PORT,
  udpPortInUse,
  type DataEnv,
} from './localServer.js';

/** Waits after a failed restart: a server that cannot start (a full disk, a broken data dir) is not hammered. */
export const restartDelaysMs: readonly number[] = [1_000, 2_000, 5_000, 10_000, 30_000];

export type LocalServerNews =
  | { readonly kind: 'restarting'; readonly attempt: number }
  | { readonly kind: 'restarted'; readonly pid: number | undefined; readonly logFile: string }
  | { readonly kind: 'restartFailed'; readonly error: QpcError; readonly retryInMs: number };

export interface LocalServerKeeperOptions {
  readonly port?: number;
  readonly env?: DataEnv;
  readonly logger: Logger;
  /** What happened, for the status line. */
  readonly report: (news: LocalServerNews) => void;
  readonly delaysMs?: readonly number[];
}

export interface LocalServerKeeper {
  stop(): void;
}

interface EngineEvents {
  subscribe(listener: (event: EngineEvent) => void): () => void;
}

/** Watches `engine` (connected to the local server) and starts the server again when it is gone. */
export function keepLocalServer(engine: EngineEvents, options: LocalServerKeeperOptions): LocalServerKeeper {
  const port = options.port ?? LOCAL_SERVER_PORT;
  const delays = options.delaysMs ?? restartDelaysMs;
  let stopped = false;
  let checking = false;
  let wake: (() => void) | undefined;
  let timer: NodeJS.Timeout | undefined;

  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
      // A quitting qpc must not wait for the next attempt.
      timer.unref();
    });

  const restartIfGone = async (): Promise<void> => {
    for (let attempt = 1; !stopped; attempt += 1) {
      if (await udpPortInUse(LOCAL_SERVER_HOST, port)) return;
      options.logger.warn(
        { event: 'local_server_gone', port, attempt },
        'the local server stopped; starting it',
      );
      options.report({ kind: 'restarting', attempt });
      try {
        const server = await ensureLocalServer({
          port,
          ...(options.env === undefined ? {} : { env: options.env }),
        });
        options.logger.warn(
          { event: 'local_server_restarted', port, pid: server.pid },
          'local server restarted',
        );
        options.report({ kind: 'restarted', pid: server.pid, logFile: server.logFile });
        return;
      } catch (error) {
        const failure = isQpcError(error)
          ? error
          : new NetworkError(CliErrorCode.localServerFailed, 'the local server could not be started', {
              cause: error,
            });
        const retryInMs = delays[Math.min(attempt - 1, delays.length - 1)] ?? 30_000;
        options.logger.warn(
          { event: 'local_server_restart_failed', port, attempt, code: failure.code, retryInMs },
          'the local server could not be started again',
        );
        options.report({ kind: 'restartFailed', error: failure, retryInMs });
        await pause(retryInMs);
      }
    }
  };

  const check = (): void => {
    if (checking || stopped) return;
    checking = true;
    restartIfGone()
      .catch((error: unknown) => {
        // Only the port probe can throw here (a socket error other than EADDRINUSE): logged, and the next
        // loss of the connection checks again.
        options.logger.warn(
          { event: 'local_server_check_failed', err: error },
          'could not check the local server',
        );
      })
      .finally(() => {
        checking = false;
      });
  };

  const unsubscribe = engine.subscribe((event) => {
    if (event.type === 'connectionChanged' && event.connection.status === 'offline') check();
  });
  return {
    stop() {
      stopped = true;
      unsubscribe();
      if (timer !== undefined) clearTimeout(timer);
      wake?.();
    },
  };
}

/** The news as an engine event: the status bar while it restarts, the status line once it is done. */
export function localServerNewsEvent(news: LocalServerNews, server: string): EngineEvent {
  switch (news.kind) {
    case 'restarting':
      return {
        type: 'connectionChanged',
        connection: { status: 'offline', server, reason: 'the local server stopped; starting it again' },
      };
    case 'restarted':
      return {
        type: 'backgroundFailed',
        task: 'localServer',
        code: CliErrorCode.localServerStopped,
        message: `the local server had stopped; started it again${news.pid === undefined ? '' : ` (pid ${news.pid})`}`,
        hint: `its log: ${news.logFile}`,
      };
    case 'restartFailed':
      return {
        type: 'backgroundFailed',
        task: 'localServer',
        code: news.error.code,
        message: `the local server could not be started again: ${news.error.message}; retrying in ${Math.round(news.retryInMs / 1000)} s`,
        ...(news.error.hint === undefined ? {} : { hint: news.error.hint }),
      };
  }
}
