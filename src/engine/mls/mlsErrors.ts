import {
  CodecError as TsMlsCodecError,
  CryptoVerificationError,
  MlsError,
  UsageError,
  ValidationError as TsMlsValidationError,
} from 'ts-mls/mlsError.js';
import { ConflictError, CryptoError, QpcError, ValidationError } from '../../lib/errors.js';

/**
 * Stable codes for what can go wrong in an MLS group. Each rejected incoming message gets exactly one
 * of these; the group state (in memory and on disk) is left as it was before the message arrived.
 */
export const mlsErrorCodes = {
  /** The sender's leaf is blank, or its identity key is no longer in our current member list. */
  senderNotMember: 'MLS_SENDER_NOT_MEMBER',
  /** The message belongs to an epoch older than ours (a commit we can no longer apply, or keys we dropped). */
  staleEpoch: 'MLS_STALE_EPOCH',
  /** The message belongs to an epoch we have not reached: we missed a commit. */
  futureEpoch: 'MLS_FUTURE_EPOCH',
  /** Signature or confirmation tag does not verify: a forged or corrupted message. */
  badSignature: 'MLS_BAD_SIGNATURE',
  /** The key for this sender and generation was already used: the same message arrived twice. */
  replay: 'MLS_REPLAY',
  /** Anything else that makes a message unusable: bad encoding, wrong group, failed decryption. */
  invalidMessage: 'MLS_INVALID_MESSAGE',
  /** We were removed from the group (or left it): the session can no longer send or read. */
  notActive: 'MLS_GROUP_NOT_ACTIVE',
  /** No state for this group id in the store. */
  unknownGroup: 'MLS_UNKNOWN_GROUP',
  /** A Welcome that names none of our stored KeyPackages. */
  noKeyPackage: 'MLS_NO_MATCHING_KEY_PACKAGE',
  /** A KeyPackage that does not decode or verify, or a member to remove who is not in the group. */
  badInput: 'MLS_BAD_INPUT',
  /** A ciphersuite name we do not offer. */
  unsupportedSuite: 'MLS_UNSUPPORTED_CIPHERSUITE',
  /**
   * A member's identity key (leaf credential) would change without a rotation statement signed by the
   * key it replaces (docs/mls.md, "Identity rotation"): refused, the state stays as it was.
   */
  identityChangeUnsigned: 'MLS_IDENTITY_CHANGE_UNSIGNED',
} as const;

export type MlsErrorCode = (typeof mlsErrorCodes)[keyof typeof mlsErrorCodes];

/** An incoming message that we refuse; `code` says why (one of mlsErrorCodes). */
export class MlsMessageRejected extends QpcError {
  declare readonly code: MlsErrorCode;
}

/** Epoch conflicts and replays are state conflicts rather than attacks on the crypto. */
export class MlsConflictError extends ConflictError {
  declare readonly code: MlsErrorCode;
}

export class MlsCryptoError extends CryptoError {
  declare readonly code: MlsErrorCode;
}

export class MlsInputError extends ValidationError {
  declare readonly code: MlsErrorCode;
}

export function rejectMessage(code: MlsErrorCode, message: string, cause?: unknown): QpcError {
  switch (code) {
    case mlsErrorCodes.staleEpoch:
    case mlsErrorCodes.futureEpoch:
    case mlsErrorCodes.replay:
      return new MlsConflictError(code, message, { cause });
    case mlsErrorCodes.badSignature:
    case mlsErrorCodes.identityChangeUnsigned:
      return new MlsCryptoError(code, message, { cause });
    default:
      return new MlsMessageRejected(code, message, { cause });
  }
}

/**
 * Translates an error thrown by ts-mls while processing an incoming message, by its class (never by its
 * message text). Our own prechecks catch stale epochs, non-members and replays first; this mapping is
 * the safety net for what slips through.
 */
export function mapIncomingError(error: unknown): QpcError {
  // The node:crypto provider reports a failed AEAD open as our own CryptoError: a message we cannot open.
  if (error instanceof CryptoError && !(error instanceof MlsCryptoError)) {
    return rejectMessage(mlsErrorCodes.invalidMessage, 'the message cannot be decrypted', error);
  }
  if (error instanceof QpcError) return error;
  if (error instanceof CryptoVerificationError) {
    return rejectMessage(
      mlsErrorCodes.badSignature,
      'the message signature or confirmation tag is invalid',
      error,
    );
  }
  // ts-mls raises one ValidationError class for a replayed generation, a stale epoch and a broken rule
  // alike, told apart only by message text, which we never parse. Replays and stale epochs are caught by
  // our own checks before ts-mls runs (incomingChecks.ts); what reaches here breaks a rule.
  if (error instanceof TsMlsValidationError) {
    return rejectMessage(mlsErrorCodes.invalidMessage, 'the message does not validate', error);
  }
  if (error instanceof TsMlsCodecError || error instanceof UsageError || error instanceof MlsError) {
    return rejectMessage(mlsErrorCodes.invalidMessage, 'the message is malformed', error);
  }
  // WebCrypto / noble AEAD failures surface as plain errors: a ciphertext we cannot open.
  return rejectMessage(mlsErrorCodes.invalidMessage, 'the message cannot be decrypted', error);
}
