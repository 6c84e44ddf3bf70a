import { ValidationError } from '../../lib/errors.js';

/** Stable codes of certificate problems found at startup or by a certificate rotation. */
export const TlsErrorCode = {
  Unreadable: 'TLS_FILE_UNREADABLE',
  BadCertificate: 'TLS_BAD_CERTIFICATE',
  BadKey: 'TLS_BAD_KEY',
  KeyMismatch: 'TLS_KEY_MISMATCH',
  Expired: 'TLS_CERT_EXPIRED',
  NotYetValid: 'TLS_CERT_NOT_YET_VALID',
  WrongName: 'TLS_CERT_WRONG_NAME',
} as const;

export type TlsErrorCode = (typeof TlsErrorCode)[keyof typeof TlsErrorCode];

/** Exit code the CLI uses when the certificate or key cannot be used. */
export const TLS_ERROR_EXIT_CODE = 2;

/**
 * A certificate or key that QUIC would only reject at the first connection, by crashing the process
 * (docs/server.md). Found at startup instead, with the path in the message.
 */
export class TlsConfigError extends ValidationError {
  readonly exitCode = TLS_ERROR_EXIT_CODE;
  constructor(code: TlsErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(code, message, options);
  }
}
