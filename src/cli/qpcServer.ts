import { CommanderError } from '@commander-js/extra-typings';
import { AuthError, isQpcError, StorageError, ValidationError } from '../lib/errors.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { jsonLineTraceSink, setTraceSink } from '../lib/trace.js';
import { loadServerConfig } from '../server/config/loadServerConfig.js';
import type { RunningQpcServer } from '../server/main.js';
import { realSleep, systemRandomBytes } from '../server/serverDeps.js';
import { HangupQueue } from '../server/ops/hangupQueue.js';
import { createServerProgram } from './serverProgram.js';

/** Exit codes of `qpc-server`: 2 for anything the operator must fix in the config or the certificate. */
export const ServerExitCode = { ok: 0, failure: 1, badConfig: 2 } as const;

/** `--data DIR` and `--data=DIR` are the short spelling of the config's `--data-dir`. */
export function normalizeServerArgs(argv: readonly string[]): string[] {
  return argv.map((arg) => (arg === '--data' ? '--data-dir' : arg.replace(/^--data=/, '--data-dir=')));
}

/** Configuration, certificate and database-key problems are the operator's to fix: exit code 2. */
export function serverExitCodeFor(error: unknown): number {
  if (error instanceof ValidationError || error instanceof StorageError || error instanceof AuthError) {
    return ServerExitCode.badConfig;
  }
  return ServerExitCode.failure;
}

function describe(error: unknown): string {
  if (isQpcError(error)) {
    const hint = error.hint === undefined ? '' : `\n  hint: ${error.hint}`;
    return `qpc-server: ${error.message} [${error.code}]${hint}`;
  }
  return `qpc-server: unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
}

export async function runQpcServer(argv: readonly string[]): Promise<number> {
  let code: number = ServerExitCode.ok;
  const program = createServerProgram(argv, {
    stdout: process.stdout,
    stderr: process.stderr,
    start: startServer,
    normalize: normalizeServerArgs,
    describe,
    exitCodeFor: serverExitCodeFor,
    finish: (result) => {
      code = result;
    },
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    // commander's own outcomes: help and version asked for are success, anything else bad usage.
    if (error instanceof CommanderError)
      return error.exitCode === 0 ? ServerExitCode.ok : ServerExitCode.badConfig;
    process.stderr.write(`${describe(error)}\n`);
    return serverExitCodeFor(error);
  }
}

/** Runs the server until SIGTERM or SIGINT; the arguments go to the configuration loader as typed. */
async function startServer(argv: readonly string[]): Promise<number> {
  let server: RunningQpcServer;
  const hangups = new HangupQueue();
  try {
    const config = loadServerConfig({
      argv: normalizeServerArgs(argv),
      env: process.env,
      cwd: process.cwd(),
    });
    const logger = createLogger('qpc-server', config.logLevel);
    logger.info({ event: 'starting', pid: process.pid }, 'starting');
    if (process.env.QPC_TRACE === '1') {
      setTraceSink(jsonLineTraceSink((line) => process.stderr.write(line)));
    }
    // Loaded only now: QUIC, OPAQUE, SQLCipher and ts-mls take seconds to import, --help should not wait.
    const { startQpcServer } = await import('../server/main.js');
    server = await startQpcServer(config, {
      clock: systemClock,
      randomBytes: systemRandomBytes,
      sleep: realSleep,
      logger,
    });
    hangups.listening(() => server.reloadCertificates(), logger);
    return await new Promise<number>((resolve) => {
      let signalled = false;
      const onSignal = (signal: NodeJS.Signals): void => {
        if (signalled) {
          logger.warn({ event: 'forced_exit', signal }, 'second signal: exiting without draining');
          resolve(ServerExitCode.failure);
          return;
        }
        signalled = true;
        logger.info({ event: 'shutting_down', signal }, 'draining requests in flight');
        server.stop().then(
          () => resolve(ServerExitCode.ok),
          (error: unknown) => {
            logger.error({ event: 'stop_failed', err: (error as Error).name }, 'shutdown failed');
            resolve(ServerExitCode.failure);
          },
        );
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
    });
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    return serverExitCodeFor(error);
  }
}

process.exitCode = await runQpcServer(process.argv.slice(2));
// QUIC and pino may hold handles for a moment; the work is done, so leave now.
process.exit();
