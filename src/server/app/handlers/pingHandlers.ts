import type { Method } from '../../../protocol/index.js';
import { SUPPORTED_PROTOCOL_VERSIONS, WireErrorCode } from '../../../protocol/index.js';
import type { MethodHandler } from '../callContext.js';
import { WireError } from '../wireErrors.js';

export const ping: MethodHandler<typeof Method.Ping> = (ctx) => ({
  serverTimeMs: BigInt(ctx.services.clock.now()),
  supportedVersions: [...SUPPORTED_PROTOCOL_VERSIONS],
  signingKeys: ctx.services.foundation.signingKeys,
  certificateAnnouncements: ctx.services.foundation.certificateAnnouncements,
});

/** Makes the stream a call stream (the stream handler owns it); refused on a call stream itself. */
export const openCallStream: MethodHandler<typeof Method.OpenCallStream> = (ctx) => {
  if (ctx.bindCallStream === undefined) {
    throw new WireError(WireErrorCode.BadRequest, 'OpenCallStream must be the first frame of a new stream');
  }
  return { maxInFlight: ctx.bindCallStream() };
};
