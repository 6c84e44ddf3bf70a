import { pino } from 'pino';
import { systemClock } from '../../lib/clock.js';
import { ValidationError } from '../../lib/errors.js';
import { ROTATION_MATERIALS } from '../../server/metrics/operationsMetrics.js';
import { DEFAULT_AUTH_TOKEN_GRACE_MS, rotateAuthToken } from '../../server/ops/authTokenRotation.js';
import { runDbKeyRotation } from './rotateDbKeyCommand.js';
import { runSigningKeyRotation } from './rotateSigningKeyCommand.js';
import { runCertificateRotation } from './rotateCertificateCommand.js';
import { runOpaqueSetupRotation } from './rotateOpaqueSetupCommand.js';
import { OpsError, OpsErrorCode } from '../../server/ops/opsErrors.js';
import { processIo, readStdin } from '../io.js';
import { commandConfig, splitCommandArgs } from './commandArgs.js';
import { ServerErrorCode } from '../../server/serverErrors.js';

export const ROTATE_USAGE =
  'qpc-server rotate auth-token|db-key|signing-key|tls-cert|federation-cert|opaque-setup [--cert FILE --key FILE] [--name NAME] [--grace 24h] [--token-stdin] [--i-understand-users-must-reregister] [--dry-run] [--data DIR] [--config FILE]';

/** `--grace 24h`: a whole number of s, m, h or d. */
export function parseDuration(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (match === null) {
    throw new ValidationError(ServerErrorCode.configInvalid, `--grace: "${text}" is not a duration`, {
      hint: 'Use a whole number with s, m, h or d, e.g. 24h or 0s.',
    });
  }
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/** The rotation's log event, on stderr so stdout carries only what the operator reads (and the token). */
function logRotation(fields: Record<string, unknown>): void {
  pino({ name: 'qpc-server' }, pino.destination({ fd: 2, sync: true })).info(
    { event: 'key_rotated', ...fields },
    'key material rotated',
  );
}

/** `qpc-server rotate <material>`: back up, rotate, verify, log, record for the metric. */
export async function runRotateCommand(
  argv: readonly string[],
  normalize: (argv: readonly string[]) => string[],
): Promise<number> {
  const { own, rest } = splitCommandArgs(argv, {
    grace: 'string',
    'token-stdin': 'boolean',
    'dry-run': 'boolean',
  });
  const material = rest[0];
  if (material === undefined || material.startsWith('-')) {
    throw new ValidationError(ServerErrorCode.configInvalid, 'rotate: name the material to rotate', {
      hint: `Usage: ${ROTATE_USAGE}`,
    });
  }
  if (material === 'signing-key') {
    return runSigningKeyRotation(rest.slice(1), normalize, own.get('dry-run') === true);
  }
  if (material === 'tls-cert' || material === 'federation-cert') {
    return runCertificateRotation(material, rest.slice(1), normalize, own.get('dry-run') === true);
  }
  if (material === 'opaque-setup') {
    return runOpaqueSetupRotation(rest.slice(1), normalize, own.get('dry-run') === true);
  }
  if (material === 'db-key') return runDbKeyRotation(rest.slice(1), normalize, own.get('dry-run') === true);
  if (material !== 'auth-token') {
    const known = (ROTATION_MATERIALS as readonly string[]).includes(material);
    throw new OpsError(
      OpsErrorCode.RotationInvalid,
      known
        ? `rotate ${material} is not available yet`
        : `unknown material "${material}" (known: ${ROTATION_MATERIALS.join(', ')})`,
      { hint: known ? 'Follow its manual steps in docs/operations.md.' : `Usage: ${ROTATE_USAGE}` },
    );
  }
  const config = commandConfig(rest.slice(1), normalize);
  const graceText = own.get('grace');
  const graceMs = typeof graceText === 'string' ? parseDuration(graceText) : DEFAULT_AUTH_TOKEN_GRACE_MS;
  const newToken =
    own.get('token-stdin') === true ? (await readStdin(processIo, 'New bearer token')).trim() : undefined;
  const dryRun = own.get('dry-run') === true;
  const result = rotateAuthToken({
    dataDir: config.dataDir,
    configuredToken: config.authToken,
    newToken,
    graceMs,
    dryRun,
    clock: systemClock,
  });
  const until = new Date(result.graceUntil).toISOString();
  if (dryRun) {
    process.stdout.write(
      `dry run: would issue a new bearer token, back up ${config.dataDir}/auth-tokens.json and keep ` +
        `${result.retiring} old token(s) working until ${until}. Nothing was changed.\n`,
    );
    return 0;
  }
  logRotation({
    material: 'auth-token',
    backup: result.backup,
    graceUntil: until,
    durationMs: result.durationMs,
  });
  process.stdout.write(
    (newToken === undefined
      ? `new bearer token (shown once): ${result.token}\n`
      : 'new bearer token: the one read from stdin\n') +
      `the old token(s) (${result.retiring}) keep working until ${until}\n` +
      `backup: ${result.backup}\n` +
      'verified: the server accepts the new token now (no restart needed). Set QPC_AUTH_TOKEN to it for ' +
      'the server and every bot before the grace period ends.\n',
  );
  return 0;
}
