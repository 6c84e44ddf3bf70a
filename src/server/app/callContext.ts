import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { MethodId, RequestBody, ResponseBodyInit } from '../../protocol/index.js';
import type { SessionIdentity } from '../auth/sessionStore.js';
import type { ServerFoundation } from '../serverFoundation.js';
import type { PeerInfo } from '../transport/quicListener.js';
import type { DeliveryLedger } from './deliveryLedger.js';
import type { HybridKeyStore } from './hybridKeyStore.js';
import type { SealedAccessStore } from './sealedAccessStore.js';
import type { SessionRegistry } from './sessionRegistry.js';

/** The services behind the wire, built once per server. */
export interface AppServices {
  foundation: ServerFoundation;
  ledger: DeliveryLedger;
  hybridKeys: HybridKeyStore;
  sealedAccess: SealedAccessStore;
  online: SessionRegistry;
  clock: Clock;
  logger: Logger;
}

/** The caller of a session method: the token (base64url, as SessionStore keeps it) and its identity. */
export interface CallerSession extends SessionIdentity {
  token: string;
}

export interface CallContext {
  services: AppServices;
  peer: PeerInfo;
  /** Set for methods whose METHODS[m].auth is 'session' (the router checked it). */
  session: CallerSession | undefined;
  /**
   * Given by the stream handler: makes the current stream the caller's session stream. OpenSession calls
   * it before counting the queue, so no message enqueued in between is neither counted nor pushed.
   */
  bindSessionStream: ((session: CallerSession) => void) | undefined;
  /**
   * Given by the stream handler on a stream's first frame: makes the stream a call stream once this call
   * is answered, and returns how many calls it serves at once. Absent on a call stream itself.
   */
  bindCallStream: (() => number) | undefined;
}

export type MethodHandler<M extends MethodId> = (
  ctx: CallContext,
  body: RequestBody<M>,
) => Promise<ResponseBodyInit<M>> | ResponseBodyInit<M>;

export type HandlerTable = { [M in MethodId]: MethodHandler<M> };

/** The session of a 'session' method; the router guarantees it, this narrows the type. */
export function callerOf(ctx: CallContext): CallerSession {
  if (ctx.session === undefined) throw new Error('session method called without a session');
  return ctx.session;
}
