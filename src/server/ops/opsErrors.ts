import { StorageError } from '../../lib/errors.js';

/** Stable codes of the operator commands (backup, restore, status, rotate). */
export const OpsErrorCode = {
  ServerRunning: 'OPS_SERVER_RUNNING',
  DatabaseMissing: 'OPS_DATABASE_MISSING',
  TargetExists: 'OPS_BACKUP_TARGET_EXISTS',
  BackupUnreadable: 'OPS_BACKUP_UNREADABLE',
  BackupWrongKey: 'OPS_BACKUP_WRONG_KEY',
  IntegrityFailed: 'OPS_INTEGRITY_CHECK_FAILED',
  StatusUnavailable: 'OPS_STATUS_UNAVAILABLE',
  RotationInvalid: 'OPS_ROTATION_INVALID',
  RotationVerifyFailed: 'OPS_ROTATION_VERIFY_FAILED',
} as const;

export type OpsErrorCode = (typeof OpsErrorCode)[keyof typeof OpsErrorCode];

/** Something the operator must fix before the command can run (exit code 2 at the CLI). */
export class OpsError extends StorageError {
  constructor(code: OpsErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, options);
  }
}
