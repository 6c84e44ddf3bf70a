import type { Method } from '../../../protocol/index.js';
import type { MethodHandler } from '../callContext.js';

export const reRegisterStart: MethodHandler<typeof Method.ReRegisterStart> = (ctx, body) => {
  const { registrationResponse, challenge } = ctx.services.foundation.auth.reRegistration.start({
    username: body.username,
    registrationRequest: body.registrationRequest,
  });
  return { registrationResponse, challenge };
};

/**
 * Replaces the account's OPAQUE record (auth/reRegistration.ts), then closes the session streams of the
 * sessions that ended: they hear SessionEnded{UNAUTHENTICATED}.
 */
export const reRegisterFinish: MethodHandler<typeof Method.ReRegisterFinish> = (ctx, body) => {
  // Budgeted like RegisterFinish: each attempt costs a signature check and may write the record.
  const limited = ctx.services.foundation.rateLimits.checkRegistration(ctx.peer.remoteHost);
  if (limited !== undefined) throw limited;
  const { foundation } = ctx.services;
  let outcome;
  try {
    outcome = foundation.auth.reRegistration.finish({
      username: body.username,
      registrationRecord: body.registrationRecord,
      challenge: body.challenge,
      identitySignature: body.identitySignature,
      callerUserId: ctx.session?.userId,
      callerToken: ctx.session?.token,
    });
  } catch (error) {
    foundation.metrics.authFailure('invalid_credentials');
    throw error;
  }
  const { sessions } = foundation;
  ctx.services.online.endIfRevoked(
    outcome.identityKey,
    (token) => !(sessions.authenticate(token) instanceof Error),
  );
  return { sessionsEnded: outcome.sessionsEnded };
};
