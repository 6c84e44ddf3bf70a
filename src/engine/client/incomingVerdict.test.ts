import { describe, expect, it } from 'vitest';
import { CodecError, CryptoError, InternalError, NetworkError, QpcError } from '../../lib/errors.js';
import { mlsErrorCodes, rejectMessage } from '../mls/mlsErrors.js';
import { StoreDiskFullError } from '../store/storageErrors.js';
import { ClientErrorCode } from './clientErrors.js';
import { SealedSenderRejectedError } from './sealedChecks.js';
import { verdictOf } from './incomingVerdict.js';

describe('verdictOf', () => {
  it('holds early messages: a future epoch, a group not joined yet', () => {
    expect(verdictOf(rejectMessage(mlsErrorCodes.futureEpoch, 'x')).kind).toBe('hold');
    expect(verdictOf(new QpcError(ClientErrorCode.unknownGroup, 'x')).kind).toBe('hold');
  });

  it('drops only what can never be read', () => {
    for (const error of [
      rejectMessage(mlsErrorCodes.invalidMessage, 'bad encoding'),
      rejectMessage(mlsErrorCodes.badSignature, 'forged'),
      rejectMessage(mlsErrorCodes.senderNotMember, 'removed sender'),
      rejectMessage(mlsErrorCodes.staleEpoch, 'older than the window'),
      new CodecError('PADDING_NOT_A_BUCKET', 'bad padding'),
      new CryptoError('ENVELOPE_OPEN_FAILED', 'failed authentication'),
      new SealedSenderRejectedError('not a member'),
    ]) {
      expect(verdictOf(error)).toEqual({ kind: 'drop', code: error.code });
    }
  });

  it('treats a replay as a duplicate (acked, nothing recorded)', () => {
    expect(verdictOf(rejectMessage(mlsErrorCodes.replay, 'again')).kind).toBe('duplicate');
  });

  it('retries our own failures: disk, network, internal errors and bugs', () => {
    expect(verdictOf(new StoreDiskFullError())).toEqual({ kind: 'retry', code: 'STORE_DISK_FULL' });
    expect(verdictOf(new NetworkError('NOT_CONNECTED', 'x')).kind).toBe('retry');
    expect(verdictOf(new InternalError('BUG', 'x')).kind).toBe('retry');
    expect(verdictOf(new TypeError('undefined is not a function'))).toEqual({
      kind: 'retry',
      code: 'CLIENT_UNEXPECTED',
    });
  });
});
