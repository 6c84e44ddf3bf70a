/**
 * One error tree for the whole project. Every error has a stable `code` that tests, logs and the wire
 * can rely on; `hint` tells a person what to do next. Each layer keeps its codes in const lists gathered
 * by one registry (docs/architecture.md, "Errors"); no code is spelled as a bare string elsewhere.
 */
/** Codes raised by src/lib itself. */
export const LibErrorCode = {
  /** A hex string with an odd length or a character that is not a hex digit. */
  badHex: 'BAD_HEX',
} as const;

export class QpcError extends Error {
  readonly code: string;
  readonly hint: string | undefined;

  constructor(code: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options?.hint;
  }
}

/** Input that breaks a rule: a bad argument, a malformed path, an unknown mnemonic word. */
export class ValidationError extends QpcError {}

/** Bytes that do not decode: a truncated, oversized or malformed frame or structure. */
export class CodecError extends QpcError {}

/** Wrong password, unknown user, expired or missing session. */
export class AuthError extends QpcError {}

/** Too many requests; `retryAfterMs` says when to try again. */
export class RateLimitError extends QpcError {
  readonly retryAfterMs: number;
  constructor(code: string, message: string, retryAfterMs: number, options?: { hint?: string }) {
    super(code, message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

/** A state conflict: a stale epoch, a lost commit race, a replay. */
export class ConflictError extends QpcError {}

/** Decryption, signature or key failures. */
export class CryptoError extends QpcError {}

/** The local or server database: wrong key, full disk, corrupt file. */
export class StorageError extends QpcError {}

/** A server that does not answer or a connection that broke. */
export class NetworkError extends QpcError {}

/** A bug or an impossible state; the message must still be safe to log. */
export class InternalError extends QpcError {}

export function isQpcError(value: unknown): value is QpcError {
  return value instanceof QpcError;
}
