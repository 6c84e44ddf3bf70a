/**
 * Wire error codes (docs/protocol.md section 5) turned into the project's error tree, so callers branch on
 * the class (AuthError -> exit 3, NetworkError -> exit 4) and on the stable `code`, never on text.
 */
import {
  AuthError,
  ConflictError,
  InternalError,
  NetworkError,
  RateLimitError,
  ValidationError,
} from '../../lib/errors.js';
import type { QpcError } from '../../lib/errors.js';
import { WireErrorCode, type WireErrorInfo } from '../../protocol/index.js';

/** A server answer that says the caller's input was refused (unknown user, taken name, bad body). */
export class ServerRefusedError extends ValidationError {}

const hints: Partial<Record<string, string>> = {
  [WireErrorCode.Unauthenticated]: 'log in again: qpc account login USER --password-stdin',
  [WireErrorCode.AuthFailed]: 'check the username and password',
  [WireErrorCode.LoginExpired]: 'the login took too long; try again',
  [WireErrorCode.UsernameTaken]: 'choose another username',
  [WireErrorCode.NotFound]: 'check the username',
  [WireErrorCode.NoKeyPackage]: 'that user has no KeyPackage left; ask them to run qpc once to publish more',
  [WireErrorCode.Unavailable]: 'the server is busy or shutting down; try again shortly',
  [WireErrorCode.ResourceExhausted]: 'the server is out of disk space; your message is kept and sent later',
  [WireErrorCode.CommitConflict]: 'another member changed the group first; re-sync and retry',
};

export function errorFromWire(error: WireErrorInfo): QpcError {
  const message = `server: ${error.message || error.code}`;
  const options = { hint: hints[error.code] };
  switch (error.code) {
    case WireErrorCode.Unauthenticated:
    case WireErrorCode.AuthFailed:
    case WireErrorCode.LoginExpired:
      return new AuthError(error.code, message, options);
    // A full server disk (RESOURCE_EXHAUSTED) is retried after retry_after_ms like a rate limit, so the
    // outbox keeps the message.
    case WireErrorCode.RateLimited:
    case WireErrorCode.QueueFull:
    case WireErrorCode.ResourceExhausted:
      return new RateLimitError(error.code, message, error.retryAfterMs, options);
    case WireErrorCode.CommitConflict:
      return new ConflictError(error.code, message, options);
    case WireErrorCode.UsernameTaken:
    case WireErrorCode.NotFound:
    case WireErrorCode.NoKeyPackage:
    case WireErrorCode.BadRequest:
    case WireErrorCode.MessageTooLarge:
      return new ServerRefusedError(error.code, message, options);
    case WireErrorCode.Unavailable:
    case WireErrorCode.SessionReplaced:
      return new NetworkError(error.code, message, options);
    default:
      // UNSUPPORTED_VERSION, UNKNOWN_METHOD, NOT_IMPLEMENTED, INTERNAL and codes newer than this build.
      return new InternalError(error.code, message, options);
  }
}
