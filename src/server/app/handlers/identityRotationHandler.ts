import { WireErrorCode, type IdentityRotation } from '../../../protocol/index.js';
import { judgeRotation } from '../../directory/identityRotation.js';
import type { UserRecord } from '../../directory/userDirectory.js';
import type { CallContext } from '../callContext.js';
import { WireError } from '../wireErrors.js';

export interface IdentityKeyChoice {
  /** The identity key the rest of PublishKeys checks signatures with (the new one on a rotation). */
  next: Uint8Array;
  /** Writes the rotation (nothing without one); called once every other check passed. */
  commit(): void;
}

/**
 * PublishKeys with identity_rotation (directory/identityRotation.ts): the statement must be signed by
 * the identity key registered now and by the new key. A retry of a rotation that already went through
 * is accepted (its statement names the key registered before it) and changes nothing.
 */
export function rotateIdentityIfAsked(
  ctx: CallContext,
  user: UserRecord,
  rotation: IdentityRotation | undefined,
): IdentityKeyChoice {
  if (rotation === undefined) return { next: user.identityKey, commit: () => undefined };
  const history = ctx.services.foundation.directory.keyHistory;
  let verdict = judgeRotation(user.username, user.identityKey, rotation);
  if (verdict === 'refused') {
    const previous = history.previousKey(user.userId);
    if (previous !== undefined) verdict = judgeRotation(user.username, user.identityKey, rotation, previous);
  }
  if (verdict === 'refused') {
    throw new WireError(
      WireErrorCode.AuthFailed,
      'the identity rotation is not signed by both the registered and the new identity key',
    );
  }
  const next = new Uint8Array(rotation.newIdentityKey);
  return {
    next,
    commit: () => {
      if (verdict !== 'rotate') return;
      history.replace(user.userId, user.identityKey, next, ctx.services.clock.now());
      ctx.services.online.rekey(user.identityKey, next);
      ctx.services.logger.info({ event: 'identityRotated' }, 'an account moved to a new identity key');
    },
  };
}
