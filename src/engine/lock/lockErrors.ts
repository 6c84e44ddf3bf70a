import { AuthError } from '../../lib/errors.js';

/** Codes of lock and unlock. */
export const LockErrorCode = {
  /** A call on a locked engine: it holds no keys and no open store. */
  locked: 'ENGINE_LOCKED',
} as const;

export function engineLockedError(): AuthError {
  return new AuthError(LockErrorCode.locked, 'the client is locked', { hint: 'unlock it first' });
}
