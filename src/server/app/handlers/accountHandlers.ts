import { fromHex, toHex } from '../../../lib/bytes.js';
import type { Method } from '../../../protocol/index.js';
import { hybridKeySignedBytes, WireErrorCode } from '../../../protocol/index.js';
import { callerOf, type MethodHandler } from '../callContext.js';
import { verifyEd25519 } from '../verifyIdentitySignature.js';
import { WireError } from '../wireErrors.js';

export const registerStart: MethodHandler<typeof Method.RegisterStart> = async (ctx, body) => {
  const { registrationResponse } = await ctx.services.foundation.auth.startRegistration({
    username: body.username,
    registrationRequest: body.registrationRequest,
  });
  return { registrationResponse };
};

export const registerFinish: MethodHandler<typeof Method.RegisterFinish> = async (ctx, body) => {
  // Budgeted before any work: this is where a taken name is told, so it is where probing is slowed.
  const limited = ctx.services.foundation.rateLimits.checkRegistration(ctx.peer.remoteHost);
  if (limited !== undefined) throw limited;
  const signed = hybridKeySignedBytes(body.username, body.identityPublicKey, body.hybridPublicKey);
  if (!verifyEd25519(body.identityPublicKey, signed, body.identitySignature)) {
    ctx.services.foundation.metrics.authFailure('bad_request');
    throw new WireError(
      WireErrorCode.AuthFailed,
      'the identity signature over the hybrid key does not verify',
    );
  }
  const { userId } = await ctx.services.foundation.auth.finishRegistration({
    username: body.username,
    registrationRecord: body.registrationRecord,
    identityKey: body.identityPublicKey,
    hybridKey: body.hybridPublicKey,
  });
  ctx.services.hybridKeys.saveSignature(userId, body.identitySignature);
  return {};
};

export const loginStart: MethodHandler<typeof Method.LoginStart> = async (ctx, body) => {
  const { loginId, loginResponse } = await ctx.services.foundation.auth.startLogin({
    username: body.username,
    startLoginRequest: body.startLoginRequest,
    source: ctx.peer.remoteHost,
  });
  return { loginId: fromHex(loginId), loginResponse };
};

export const loginFinish: MethodHandler<typeof Method.LoginFinish> = async (ctx, body) => {
  const session = await ctx.services.foundation.auth.finishLogin({
    loginId: toHex(body.loginId),
    finishLoginRequest: body.finishLoginRequest,
  });
  // A login past the per-account session cap ended the oldest sessions: close their session stream.
  const { sessions } = ctx.services.foundation;
  const identity = sessions.authenticate(session.token);
  if (!(identity instanceof Error)) {
    ctx.services.online.endIfRevoked(
      identity.identityKey,
      (token) => !(sessions.authenticate(token) instanceof Error),
    );
  }
  return {
    sessionToken: new Uint8Array(Buffer.from(session.token, 'base64url')),
    expiresAtMs: BigInt(session.expiresAt),
  };
};

export const logout: MethodHandler<typeof Method.Logout> = (ctx) => {
  const caller = callerOf(ctx);
  ctx.services.foundation.sessions.revoke(caller.token);
  ctx.services.online.endByToken(caller.token);
  return {};
};

/**
 * Binds the stream for pushes (through the stream handler, which owns it), then answers with the number
 * of messages already waiting; pushes start after this answer is written.
 */
export const openSession: MethodHandler<typeof Method.OpenSession> = (ctx) => {
  const caller = callerOf(ctx);
  if (ctx.bindSessionStream === undefined) {
    throw new WireError(WireErrorCode.BadRequest, 'OpenSession needs a stream of its own');
  }
  ctx.bindSessionStream(caller);
  return {
    serverTimeMs: BigInt(ctx.services.clock.now()),
    queuedCount: ctx.services.foundation.queues.depth(caller.identityKey),
  };
};
