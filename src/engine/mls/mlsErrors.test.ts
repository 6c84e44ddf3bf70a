import {
  CodecError as TsMlsCodecError,
  CryptoVerificationError,
  UsageError,
  ValidationError as TsMlsValidationError,
} from 'ts-mls/mlsError.js';
import { describe, expect, it } from 'vitest';
import { CryptoError, StorageError } from '../../lib/errors.js';
import { mapIncomingError, mlsErrorCodes } from './mlsErrors.js';

describe('mapIncomingError', () => {
  it('classifies ts-mls errors by their class', () => {
    expect(mapIncomingError(new CryptoVerificationError('x')).code).toBe(mlsErrorCodes.badSignature);
    expect(mapIncomingError(new TsMlsValidationError('x')).code).toBe(mlsErrorCodes.invalidMessage);
    expect(mapIncomingError(new TsMlsCodecError('x')).code).toBe(mlsErrorCodes.invalidMessage);
    expect(mapIncomingError(new UsageError('x')).code).toBe(mlsErrorCodes.invalidMessage);
  });

  it('never by their text: a message that reads like a replay or a stale epoch is just invalid', () => {
    // Replays and stale epochs get their codes from our own checks, which run before ts-mls.
    for (const text of ['Desired gen in the past', 'Cannot process message, epoch too old']) {
      expect(mapIncomingError(new TsMlsValidationError(text)).code).toBe(mlsErrorCodes.invalidMessage);
    }
  });

  it('keeps our own errors, and reports a provider AEAD failure as a message it cannot open', () => {
    const disk = new StorageError('STORE_DISK_FULL', 'full');
    expect(mapIncomingError(disk)).toBe(disk);
    expect(mapIncomingError(new CryptoError('crypto.aead_open', 'x')).code).toBe(
      mlsErrorCodes.invalidMessage,
    );
  });
});
