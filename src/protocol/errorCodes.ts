import { CodecErrorCode } from './codecErrors.js';

/**
 * Stable codes carried in qpc.v1.Error.code. A released code never changes meaning or spelling;
 * new ones may be added, so a client treats an unknown code like INTERNAL (docs/protocol.md).
 */
export const WireErrorCode = {
  /** The body does not decode or breaks a field rule (size, pattern, missing field). */
  BadRequest: 'BAD_REQUEST',
  /** Request.protocol_version is not one the server speaks; Ping lists the supported ones. */
  UnsupportedVersion: 'UNSUPPORTED_VERSION',
  /** Request.method is not a known method id. */
  UnknownMethod: 'UNKNOWN_METHOD',
  /** A known method the server does not implement (a server built before that method existed). */
  NotImplemented: 'NOT_IMPLEMENTED',
  /** The method needs a session token and there is none, or it is expired or revoked. */
  Unauthenticated: 'UNAUTHENTICATED',
  /** OPAQUE login failed (wrong password or unknown user: the two are not told apart), or a bad signature. */
  AuthFailed: 'AUTH_FAILED',
  /** RegisterFinish for a username that is already registered (RegisterStart never tells). */
  UsernameTaken: 'USERNAME_TAKEN',
  /**
   * LoginStart for an account whose OPAQUE record predates the server's OPAQUE setup (the operator ran
   * `qpc-server rotate opaque-setup`): no password can log in until the account re-registers in place
   * (ReRegisterStart/ReRegisterFinish, signed by its identity key).
   */
  ReRegistrationRequired: 'REREGISTRATION_REQUIRED',
  /** LoginFinish with an unknown or expired login_id (LoginStart state lives 60 s). */
  LoginExpired: 'LOGIN_EXPIRED',
  /**
   * SealedSend refused: the access token does not match, the recipient set none, or there is no such
   * recipient. The three are not told apart (same code, same message, same work).
   */
  SealedAccessDenied: 'SEALED_ACCESS_DENIED',
  /** Too many requests; Error.retry_after_ms says when to retry. */
  RateLimited: 'RATE_LIMITED',
  /** No such user (LookupUser, FetchKeyPackage, an Enqueue recipient). */
  NotFound: 'NOT_FOUND',
  /** A recipient's queue holds its maximum number of messages. */
  QueueFull: 'QUEUE_FULL',
  /** Enqueue payload (or sealed envelope) over the message size limit. */
  MessageTooLarge: 'MESSAGE_TOO_LARGE',
  /** The commit's epoch is not the group's next one: another commit won it, or it skips epochs. */
  CommitConflict: 'COMMIT_CONFLICT',
  /** The user has no KeyPackage left for that cipher suite, not even a last-resort one. */
  NoKeyPackage: 'NO_KEY_PACKAGE',
  /** The server is shutting down or overloaded, or cannot write its database right now; retry later (maybe after retry_after_ms). */
  Unavailable: 'UNAVAILABLE',
  /** The server's storage is full: the request changed nothing; retry after retry_after_ms. */
  ResourceExhausted: 'RESOURCE_EXHAUSTED',
  /** SessionEnded only: another OpenSession with the same token took over the push stream. */
  SessionReplaced: 'SESSION_REPLACED',
  /** A bug on the server. The message is safe to show but says little. */
  Internal: 'INTERNAL',
} as const;

export type WireErrorCode = (typeof WireErrorCode)[keyof typeof WireErrorCode];

const knownCodes: ReadonlySet<string> = new Set(Object.values(WireErrorCode));

export function isWireErrorCode(value: string): value is WireErrorCode {
  return knownCodes.has(value);
}

/** The wire code a server answers when decoding a request failed with this CodecError code. */
export function wireCodeForCodecError(code: string): WireErrorCode {
  switch (code) {
    case CodecErrorCode.UnsupportedVersion:
      return WireErrorCode.UnsupportedVersion;
    case CodecErrorCode.UnknownMethod:
      return WireErrorCode.UnknownMethod;
    default:
      return WireErrorCode.BadRequest;
  }
}
