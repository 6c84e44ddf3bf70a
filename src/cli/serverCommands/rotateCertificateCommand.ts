import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { wipe } from '../../lib/bytes.js';
import { systemClock } from '../../lib/clock.js';
import { createLogger } from '../../lib/logger.js';
import {
  rotateCertificate,
  roleOf,
  type CertificateMaterial,
  type CertificateRotationResult,
} from '../../server/ops/certificateRotation.js';
import { databasePath, existingDatabaseKey } from '../../server/ops/existingDatabase.js';
import { OpsError, OpsErrorCode } from '../../server/ops/opsErrors.js';
import { liveServer, type RunState } from '../../server/ops/runState.js';
import { fetchRunningStatus } from '../../server/ops/statusSources.js';
import { commandConfig, requiredOption, splitCommandArgs } from './commandArgs.js';

export const ROTATE_CERTIFICATE_USAGE =
  'qpc-server rotate tls-cert|federation-cert --cert FILE --key FILE [--name NAME] [--dry-run] [--data DIR] [--config FILE]';

/** How long the command waits for a running server to show the new certificate after SIGHUP. */
const RELOAD_DEADLINE_MS = 15_000;

/**
 * `qpc-server rotate tls-cert|federation-cert`: check, back up, announce (TLS), install, then make a
 * running server reload (SIGHUP) and wait until it serves the new certificate. A stopped server loads
 * it at its next start.
 */
export async function runCertificateRotation(
  material: CertificateMaterial,
  argv: readonly string[],
  normalize: (argv: readonly string[]) => string[],
  dryRun: boolean,
): Promise<number> {
  // --cert/--key here name the NEW pair; the installed one comes from the configuration.
  const { own, rest } = splitCommandArgs(argv, { cert: 'string', key: 'string', name: 'string' });
  const certFile = requiredOption(own, 'cert', ROTATE_CERTIFICATE_USAGE);
  const keyFile = requiredOption(own, 'key', ROTATE_CERTIFICATE_USAGE);
  const name = own.get('name');
  const config = commandConfig(rest, normalize);
  const live = liveServer(config.dataDir);
  const needsKey = material === 'tls-cert' && !dryRun && existsSync(databasePath(config.dataDir));
  const dbKey = needsKey ? existingDatabaseKey(config) : undefined;
  let result: CertificateRotationResult;
  try {
    result = rotateCertificate({
      material,
      config,
      certFile,
      keyFile,
      serverName: typeof name === 'string' ? name : undefined,
      dbKey,
      dryRun,
      clock: systemClock,
      // Expiry warnings of the offered certificate go to stderr, beside the rotation's own log line.
      logger: createLogger('qpc-server', 'warn', pino.destination({ fd: 2, sync: true })),
    });
  } finally {
    if (dbKey !== undefined) wipe(dbKey);
  }
  const summary =
    `${material}: ${result.oldSha256 ?? '(none installed)'} -> ${result.newSha256}, valid until ` +
    `${result.notAfter.toISOString()}` +
    (result.serverName === '' ? '' : ` for "${result.serverName}"`);
  if (dryRun) {
    process.stdout.write(
      `dry run: checks passed; would back up the installed pair and install ${summary}. Nothing was changed.\n`,
    );
    return 0;
  }
  const reload = live === undefined ? 'stopped' : await reloadRunningServer(live, material, result.newSha256);
  pino({ name: 'qpc-server' }, pino.destination({ fd: 2, sync: true })).info(
    {
      event: 'key_rotated',
      material,
      certSha256: result.newSha256,
      backup: result.backup?.cert,
      announced: result.announced,
      reload,
      durationMs: result.durationMs,
    },
    'key material rotated',
  );
  process.stdout.write(
    `installed ${summary}\n` +
      `files: ${result.installed.certPath} and ${result.installed.keyPath}\n` +
      (result.backup === undefined ? '' : `backup: ${result.backup.cert} and ${result.backup.key}\n`) +
      (result.announced
        ? 'announced: the change is signed with the server signing key; pinned clients follow it\n'
        : '') +
      (reload === 'stopped'
        ? 'verified: the installed files hold the new pair; the server loads it at its next start\n'
        : `verified: the running server (pid ${live?.pid ?? '?'}) serves it to new connections; open sessions stay\n`),
  );
  return 0;
}

/** SIGHUP, then ask the admin endpoint until it reports the new certificate. */
async function reloadRunningServer(
  live: RunState,
  material: CertificateMaterial,
  newSha256: string,
): Promise<'reloaded'> {
  process.kill(live.pid, 'SIGHUP');
  const role = roleOf(material);
  const deadline = Date.now() + RELOAD_DEADLINE_MS;
  for (;;) {
    const status = await fetchRunningStatus(live);
    const shown = status.certificates.find((certificate) => certificate.role === role);
    if (shown?.sha256 === newSha256) return 'reloaded';
    if (Date.now() > deadline) {
      throw new OpsError(
        OpsErrorCode.RotationVerifyFailed,
        `the running server (pid ${live.pid}) still serves ${shown?.sha256 ?? 'no'} ${role} certificate`,
        {
          hint:
            'The new files are installed; see the server log (event tls_reload_failed), then send SIGHUP ' +
            'again or restart it.',
        },
      );
    }
    // The server reloads in the background of its event loop: look again shortly.
    await sleep(100);
  }
}
