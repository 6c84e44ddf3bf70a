import type { Method } from '../../../protocol/index.js';
import { SUPPORTED_PROTOCOL_VERSIONS, WireErrorCode } from '../../../protocol/index.js';
import type { MethodHandler } from '../callContext.js';
import { WireError } from '../wireErrors.js';

export const ping: MethodHandler<typeof Method.Ping> = (ctx) => ({
  serverTimeMs: BigInt(ctx.services.clock.now()),
  supportedVersions: [...SUPPORTED_PROTOCOL_VERSIONS],
});

/** Reserved id (docs/protocol.md): answered so that clients can tell "not yet" from "unknown method". */
export const sealedSend: MethodHandler<typeof Method.SealedSend> = () => {
  throw new WireError(WireErrorCode.NotImplemented, 'sealed sending is not offered by this server yet');
};
