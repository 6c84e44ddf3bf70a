/**
 * What to do with an incoming message that could not be processed now, decided by the error's type
 * (never by its text). Only a message that can never be read is dropped (and the drop recorded); one
 * that is early waits on disk; anything else (disk, network, a bug) is not acknowledged and is retried.
 */
import { InternalError, NetworkError, QpcError, StorageError } from '../../lib/errors.js';
import { mlsErrorCodes } from '../mls/mlsErrors.js';
import { ClientErrorCode } from './clientErrors.js';

export type IncomingVerdict =
  /** Early (an epoch we have not reached, a group whose Welcome has not come): keep it on disk. */
  | { kind: 'hold'; code: string }
  /** Can never be read (bad encoding, failed authentication, removed sender, too old): record and ack. */
  | { kind: 'drop'; code: string }
  /** Already processed (the key of its generation is gone): ack, nothing to record. */
  | { kind: 'duplicate'; code: string }
  /** Not the message's fault: do not ack, try again later. */
  | { kind: 'retry'; code: string };

export function verdictOf(error: unknown): IncomingVerdict {
  if (!(error instanceof QpcError)) return { kind: 'retry', code: ClientErrorCode.unexpected };
  const { code } = error;
  if (error instanceof StorageError || error instanceof NetworkError || error instanceof InternalError) {
    return { kind: 'retry', code };
  }
  if (code === mlsErrorCodes.futureEpoch || code === ClientErrorCode.unknownGroup)
    return { kind: 'hold', code };
  if (code === mlsErrorCodes.replay) return { kind: 'duplicate', code };
  return { kind: 'drop', code };
}
