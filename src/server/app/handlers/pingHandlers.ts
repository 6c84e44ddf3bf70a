import type { Method } from '../../../protocol/index.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '../../../protocol/index.js';
import type { MethodHandler } from '../callContext.js';

export const ping: MethodHandler<typeof Method.Ping> = (ctx) => ({
  serverTimeMs: BigInt(ctx.services.clock.now()),
  supportedVersions: [...SUPPORTED_PROTOCOL_VERSIONS],
  signingKeys: ctx.services.foundation.signingKeys,
});
