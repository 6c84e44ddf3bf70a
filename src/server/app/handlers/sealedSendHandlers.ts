import type { Method } from '../../../protocol/index.js';
import { SEALED_ENVELOPE_OVERHEAD_BYTES, WireErrorCode } from '../../../protocol/index.js';
import { callerOf, type MethodHandler } from '../callContext.js';
import { WireError } from '../wireErrors.js';
import { traceHop } from '../../../lib/trace.js';

/**
 * 500 SealedSend: no session, no sender. What this handler must never do (docs/threat-model.md, sealed
 * sender): look at ctx.session (there is none), log anything about the caller or its address, or store a
 * sender stamp. The router already applied the per-IP limit; the queue applies its cap, size cap and TTL.
 */
export const sealedSend: MethodHandler<typeof Method.SealedSend> = async (ctx, body) => {
  const { sealedAccess, ledger, online, foundation } = ctx.services;
  // A key retired by an identity rotation still reaches its account (directory/identityRotation.ts).
  const recipient = foundation.directory.keyHistory.currentKey(body.recipientIdentityKey);
  if (!sealedAccess.admits(recipient, body.accessToken)) {
    // One answer for a wrong token, a recipient without a hash and an unknown recipient: the code must not
    // tell a prober which identity keys are registered or who accepts sealed messages.
    throw new WireError(
      WireErrorCode.SealedAccessDenied,
      'sealed delivery to this recipient is not allowed with this access token',
    );
  }
  const outcome = await foundation.writes.run(() =>
    ledger.enqueueSealed(recipient, body.envelope, SEALED_ENVELOPE_OVERHEAD_BYTES),
  );
  traceHop('server.durable');
  online.push(outcome.recipient, [outcome.message]);
  return { serverTimeMs: BigInt(outcome.serverTimeMs), receipt: outcome.receipt };
};

/** 501 SetSealedAccess: the caller's SHA-256(access key) replaces the previous one; empty turns it off. */
export const setSealedAccess: MethodHandler<typeof Method.SetSealedAccess> = (ctx, body) => {
  const caller = callerOf(ctx);
  ctx.services.sealedAccess.set(caller.userId, body.accessKeyHash);
  return {};
};
