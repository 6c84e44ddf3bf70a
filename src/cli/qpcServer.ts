import { packageVersion } from './version.js';
import { AuthError, isQpcError, StorageError, ValidationError } from '../lib/errors.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../lib/logger.js';
import { jsonLineTraceSink, setTraceSink } from '../lib/trace.js';
import { loadServerConfig } from '../server/config/loadServerConfig.js';
import { SETTINGS } from '../server/config/serverConfig.js';
import type { RunningQpcServer } from '../server/main.js';
import { realSleep, systemRandomBytes } from '../server/serverDeps.js';
import { runServerCommand, SERVER_COMMANDS_HELP } from './serverCommands/dispatch.js';

/** Exit codes of `qpc-server`: 2 for anything the operator must fix in the config or the certificate. */
export const ServerExitCode = { ok: 0, failure: 1, badConfig: 2 } as const;

function usage(): string {
  const rows = SETTINGS.filter((spec) => spec.flag !== undefined).map((spec) => {
    const flag = spec.booleanFlag === true ? `--${spec.flag}` : `--${spec.flag} VALUE`;
    return `  ${flag.padEnd(33)} ${spec.description} (${spec.env})`;
  });
  return `Usage: qpc-server [options]
       qpc-server <command> [options]

The quicprochat server: stores and forwards end-to-end encrypted messages over QUIC.

Commands (docs/operations.md):
${SERVER_COMMANDS_HELP}

Options:
  --data DIR                        data directory (same as --data-dir)
  --config FILE                     read this qpc-server.toml instead of <data dir>/qpc-server.toml
${rows.join('\n')}
  -h, --help                        show this help
  -v, --version                     show the version

Secrets come from the environment or the TOML file only: QPC_DB_KEY, QPC_AUTH_TOKEN.
Logs are JSON lines (pino) on stdout; one has "msg":"listening" with port, adminPort and certSha256.
SIGTERM or SIGINT drains requests in flight and closes the database.
Exit codes: 0 stopped cleanly, 1 unexpected failure, 2 bad configuration or certificate.`;
}

function version(): string {
  return packageVersion();
}

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
  const command = await runServerCommand(argv, normalizeServerArgs, describe, serverExitCodeFor);
  if (command !== undefined) return command;
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${usage()}\n`);
    return ServerExitCode.ok;
  }
  if (argv.includes('--version') || argv.includes('-v')) {
    process.stdout.write(`qpc-server ${version()}\n`);
    return ServerExitCode.ok;
  }
  let server: RunningQpcServer;
  try {
    const config = loadServerConfig({
      argv: normalizeServerArgs(argv),
      env: process.env,
      cwd: process.cwd(),
    });
    const logger = createLogger('qpc-server', config.logLevel);
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
