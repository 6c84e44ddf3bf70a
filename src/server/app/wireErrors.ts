import { isQpcError, RateLimitError, ValidationError } from '../../lib/errors.js';
import { WireErrorCode, wireCodeForCodecError } from '../../protocol/index.js';
import { CodecError } from '../../lib/errors.js';
import { AuthErrorCode } from '../auth/authErrors.js';
import { DeliveryErrorCode } from '../delivery/deliveryErrors.js';

/** An error the router turns into Response.error; handlers throw it for outcomes with no service error. */
export class WireError extends Error {
  constructor(
    readonly code: WireErrorCode,
    message: string,
    readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

export interface WireErrorParts {
  code: string;
  message: string;
  retryAfterMs: number;
}

/** Service error codes (src/server/*) -> the wire's codes (docs/protocol.md section 5). */
const SERVICE_CODES: Readonly<Record<string, WireErrorCode>> = {
  [AuthErrorCode.InvalidCredentials]: WireErrorCode.AuthFailed,
  [AuthErrorCode.LoginExpired]: WireErrorCode.LoginExpired,
  [AuthErrorCode.SessionInvalid]: WireErrorCode.Unauthenticated,
  [AuthErrorCode.BearerInvalid]: WireErrorCode.Unauthenticated,
  [AuthErrorCode.UsernameTaken]: WireErrorCode.UsernameTaken,
  // Two accounts must not share an identity key; the name-level answer would mislead, so: bad request.
  [AuthErrorCode.IdentityKeyTaken]: WireErrorCode.BadRequest,
  [AuthErrorCode.BadUsername]: WireErrorCode.BadRequest,
  [AuthErrorCode.BadKey]: WireErrorCode.BadRequest,
  [AuthErrorCode.TooManyPendingLogins]: WireErrorCode.Unavailable,
  [AuthErrorCode.ReRegistrationRequired]: WireErrorCode.ReRegistrationRequired,
  [AuthErrorCode.ReRegistrationRefused]: WireErrorCode.AuthFailed,
  [AuthErrorCode.ChallengeExpired]: WireErrorCode.LoginExpired,
  AUTH_BAD_OPAQUE_MESSAGE: WireErrorCode.BadRequest,
  [DeliveryErrorCode.MessageTooLarge]: WireErrorCode.MessageTooLarge,
  [DeliveryErrorCode.QueueFull]: WireErrorCode.QueueFull,
  [DeliveryErrorCode.BadRecipient]: WireErrorCode.BadRequest,
  [DeliveryErrorCode.CommitConflict]: WireErrorCode.CommitConflict,
  KEY_PACKAGE_BATCH_SIZE: WireErrorCode.BadRequest,
  COMMIT_BAD_INPUT: WireErrorCode.BadRequest,
};

/** Seconds-scale hint for a full queue: the recipient must fetch first, so retrying at once is pointless. */
const QUEUE_FULL_RETRY_MS = 30_000;

/**
 * Map anything a handler threw to a wire error. Unknown errors become INTERNAL with a fixed message:
 * the text of an unexpected exception may hold data that must not leave the server.
 */
export function toWireError(error: unknown): WireErrorParts {
  if (error instanceof WireError) {
    return { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof RateLimitError) {
    return { code: WireErrorCode.RateLimited, message: error.message, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof CodecError) {
    return { code: wireCodeForCodecError(error.code), message: error.message, retryAfterMs: 0 };
  }
  if (isQpcError(error)) {
    const code = SERVICE_CODES[error.code];
    if (code !== undefined) {
      const retryAfterMs = code === WireErrorCode.QueueFull ? QUEUE_FULL_RETRY_MS : 0;
      return { code, message: error.message, retryAfterMs };
    }
    // Any other rule a request broke (e.g. PROTOCOL_BAD_KEY_LENGTH) is the caller's mistake, not a bug.
    if (error instanceof ValidationError) {
      return { code: WireErrorCode.BadRequest, message: error.message, retryAfterMs: 0 };
    }
  }
  return { code: WireErrorCode.Internal, message: 'internal server error', retryAfterMs: 0 };
}
