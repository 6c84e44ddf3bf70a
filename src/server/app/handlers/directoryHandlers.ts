import type { Method } from '../../../protocol/index.js';
import { hybridKeySignedBytes, WireErrorCode } from '../../../protocol/index.js';
import { callerOf, type MethodHandler } from '../callContext.js';
import { verifyEd25519 } from '../verifyIdentitySignature.js';
import { WireError } from '../wireErrors.js';
import { rotateIdentityIfAsked } from './identityRotationHandler.js';

export const publishKeys: MethodHandler<typeof Method.PublishKeys> = (ctx, body) => {
  const caller = callerOf(ctx);
  const user = ctx.services.foundation.directory.findById(caller.userId);
  if (user === undefined) throw new WireError(WireErrorCode.Unauthenticated, 'the account no longer exists');
  const identityKey = rotateIdentityIfAsked(ctx, user, body.identityRotation);
  const signed = hybridKeySignedBytes(user.username, identityKey.next, body.hybridPublicKey);
  if (!verifyEd25519(identityKey.next, signed, body.identitySignature)) {
    throw new WireError(
      WireErrorCode.AuthFailed,
      'the identity signature over the hybrid key does not verify',
    );
  }
  identityKey.commit();
  ctx.services.hybridKeys.replace(caller.userId, body.hybridPublicKey, body.identitySignature);
  // A new hybrid key is a new device: the old one's KeyPackages would give Welcomes nobody can open. The
  // client uploads fresh ones next; a retried PublishKeys (after a crash) retires its own again, harmless.
  const retired = ctx.services.foundation.keyPackages.retireAll(caller.userId);
  ctx.services.logger.info({ event: 'keyPackagesRetired', count: retired }, 'hybrid key replaced');
  return {};
};

export const lookupUser: MethodHandler<typeof Method.LookupUser> = (ctx, body) => {
  const { directory } = ctx.services.foundation;
  const user =
    body.query.case === 'username'
      ? directory.findByUsername(body.query.value)
      : body.query.case === 'identityPublicKey'
        ? directory.findByIdentityKey(body.query.value)
        : undefined;
  const signature = user === undefined ? undefined : ctx.services.hybridKeys.signature(user.userId);
  if (user === undefined || signature === undefined) {
    throw new WireError(WireErrorCode.NotFound, 'no such user');
  }
  return {
    username: user.username,
    identityPublicKey: user.identityKey,
    hybridPublicKey: user.hybridKey,
    hybridKeySignature: signature,
  };
};
