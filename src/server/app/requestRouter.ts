import { performance } from 'node:perf_hooks';
import { CodecError } from '../../lib/errors.js';
import {
  BEARER_METHODS,
  decodeRequest,
  decodeRequestBody,
  encodeErrorResponse,
  encodeResponseBody,
  encodeResponse,
  Method,
  METHODS,
  RequestEnvelopeError,
  WireErrorCode,
  type MethodId,
  type RequestEnvelope,
} from '../../protocol/index.js';
import { STORAGE_FULL_RETRY_MS, STORAGE_UNAVAILABLE_RETRY_MS } from '../storage/storageHealth.js';
import type { PeerInfo } from '../transport/quicListener.js';
import type { AppServices, CallerSession, HandlerTable, MethodHandler } from './callContext.js';
import { HANDLERS } from './handlerTable.js';
import { toWireError, WireError, type WireErrorParts } from './wireErrors.js';

/**
 * Methods that only add data. While the disk is full they are refused before any work, so the space the
 * storage reserve gave back goes to logins, fetches and acks instead.
 */
const GROWTH_METHODS: ReadonlySet<MethodId> = new Set<MethodId>([
  Method.RegisterFinish,
  Method.PublishKeys,
  Method.UploadKeyPackages,
  Method.Enqueue,
  Method.SealedSend,
  Method.SetSealedAccess,
]);

/** What one request produced: the Response payload to frame, and what the stream handler needs next. */
export interface RoutedCall {
  response: Uint8Array;
  method: MethodId | undefined;
  ok: boolean;
  /** The authenticated caller, for session methods that succeeded (OpenSession binds it to the stream). */
  session: CallerSession | undefined;
}

/**
 * One request payload in, one response payload out: decode and version check, per-IP limit, auth per
 * METHODS[m].auth, per-account limit, body decode, handler, encode; metrics by method and result.
 * Never throws: every failure becomes a typed error response.
 */
export class RequestRouter {
  private accepting = true;

  constructor(
    private readonly services: AppServices,
    private readonly handlers: HandlerTable = HANDLERS,
  ) {}

  /** Shutdown: answer UNAVAILABLE from now on while the requests already running finish. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * The checks that need no request: shutdown and the per-IP limit. The stream handler calls this before
   * it reads a byte, so a flooding address costs a counter check, not a read and a decode. Returns the
   * error response to send (request id 0: none was read), or undefined to go on; a caller that used it
   * passes `ipChecked` to route().
   */
  refuseEarly(peer: PeerInfo): Uint8Array | undefined {
    if (!this.accepting) {
      this.record(undefined, WireErrorCode.Unavailable, performance.now());
      return encodeErrorResponse(0, WireErrorCode.Unavailable, 'the server is shutting down', 1000);
    }
    // No error object on this path: a flood of refusals costs a counter and one small encode each.
    const retryAfterMs = this.services.foundation.rateLimits.ipRetryAfterMs(peer.remoteHost);
    if (retryAfterMs === 0) return undefined;
    this.record(undefined, WireErrorCode.RateLimited, performance.now());
    return encodeErrorResponse(0, WireErrorCode.RateLimited, 'too many requests', retryAfterMs);
  }

  /**
   * Refuses one call whatever it asks, with the request id when the envelope decodes (0 when it does
   * not): a call on a call stream over its address's share, answered without running it.
   */
  refuse(payload: Uint8Array, code: WireErrorCode, message: string, retryAfterMs: number): Uint8Array {
    const started = performance.now();
    let requestId = 0;
    let method: MethodId | undefined;
    try {
      const envelope = decodeRequest(payload);
      requestId = envelope.requestId;
      method = envelope.method;
    } catch (error) {
      // Not a Request: the id stays 0, the answer the client gets for an unreadable frame.
      if (error instanceof RequestEnvelopeError) requestId = error.requestId;
    }
    this.record(method, code, started);
    return encodeErrorResponse(requestId, code, message, retryAfterMs);
  }

  async route(
    payload: Uint8Array,
    peer: PeerInfo,
    hooks: {
      bindSessionStream?: (session: CallerSession) => void;
      bindCallStream?: () => number;
      ipChecked?: boolean;
    } = {},
  ): Promise<RoutedCall> {
    const started = performance.now();
    let envelope: RequestEnvelope | undefined;
    let session: CallerSession | undefined;
    try {
      envelope = decodeRequest(payload);
      if (!this.accepting)
        throw new WireError(WireErrorCode.Unavailable, 'the server is shutting down', 1000);
      const { foundation } = this.services;
      if (hooks.ipChecked !== true) {
        const ipLimited = foundation.rateLimits.checkIp(peer.remoteHost);
        if (ipLimited !== undefined) throw ipLimited;
      }
      const spec = METHODS[envelope.method];
      // A sealed send must not be linkable to a login: refuse a token rather than silently ignore it.
      if (envelope.method === Method.SealedSend && (envelope.authToken?.length ?? 0) > 0) {
        throw new WireError(WireErrorCode.BadRequest, 'SealedSend must not carry a session token');
      }
      this.checkBearer(envelope);
      const optionalToken = spec.auth === 'optional' && (envelope.authToken?.length ?? 0) > 0;
      if (spec.auth === 'session' || optionalToken) {
        session = this.authenticate(envelope.authToken);
        const accountLimited = foundation.rateLimits.checkAccount(session.userId);
        if (accountLimited !== undefined) throw accountLimited;
      }
      if (GROWTH_METHODS.has(envelope.method) && foundation.storage.refusesGrowth()) {
        throw new WireError(
          WireErrorCode.ResourceExhausted,
          'the server is out of disk space; nothing was stored',
          STORAGE_FULL_RETRY_MS,
        );
      }
      const body = decodeRequestBody(envelope.method, envelope.body);
      const handler = this.handlers[envelope.method] as MethodHandler<MethodId>;
      const result = await handler(
        {
          services: this.services,
          peer,
          session,
          bindSessionStream: hooks.bindSessionStream,
          bindCallStream: hooks.bindCallStream,
        },
        body,
      );
      const response = encodeResponse({
        requestId: envelope.requestId,
        ok: true,
        body: encodeResponseBody(envelope.method, result as never),
      });
      this.record(envelope.method, 'ok', started);
      return { response, method: envelope.method, ok: true, session };
    } catch (error) {
      const wire = this.wireErrorFor(error);
      const requestId = envelope?.requestId ?? (error instanceof RequestEnvelopeError ? error.requestId : 0);
      this.record(envelope?.method, wire.code, started);
      return {
        response: encodeErrorResponse(requestId, wire.code, wire.message, wire.retryAfterMs),
        method: envelope?.method,
        ok: false,
        session: undefined,
      };
    }
  }

  /**
   * The shared bearer token: the admission methods need it on a private server (one with a token), and
   * no other method accepts it, so a client never believes it authenticated with something ignored.
   */
  private checkBearer(envelope: RequestEnvelope): void {
    const { bearer, metrics } = this.services.foundation;
    if (!BEARER_METHODS.has(envelope.method)) {
      if (envelope.bearer !== undefined) {
        throw new WireError(
          WireErrorCode.BadRequest,
          'only RegisterStart, RegisterFinish, LoginStart and LoginFinish accept a bearer token',
        );
      }
      return;
    }
    if (envelope.bearer === undefined && !bearer.enabled) return;
    const refused = bearer.verify(envelope.bearer ?? { authVersion: 0, token: new Uint8Array(0) });
    if (refused !== undefined) {
      metrics.authFailure('bearer_invalid');
      throw refused;
    }
  }

  private authenticate(authToken: Uint8Array | undefined): CallerSession {
    const { sessions, metrics } = this.services.foundation;
    if (authToken === undefined || authToken.length === 0) {
      throw new WireError(WireErrorCode.Unauthenticated, 'this method needs a session token; log in first');
    }
    const token = Buffer.from(authToken).toString('base64url');
    const identity = sessions.authenticate(token);
    if (identity instanceof Error) {
      metrics.authFailure('session_invalid');
      throw new WireError(WireErrorCode.Unauthenticated, 'the session token is unknown, expired or revoked');
    }
    return { ...identity, token };
  }

  private wireErrorFor(error: unknown): WireErrorParts {
    const storage = this.services.foundation.storage.noteFailure(error);
    if (storage === 'full') {
      return {
        code: WireErrorCode.ResourceExhausted,
        message: 'the server is out of disk space; nothing was stored',
        retryAfterMs: STORAGE_FULL_RETRY_MS,
      };
    }
    if (storage === 'unavailable') {
      this.services.logger.warn(
        { event: 'storage_unavailable', err: error instanceof Error ? error.name : typeof error },
        'the database could not be used for a request',
      );
      return {
        code: WireErrorCode.Unavailable,
        message: 'the server cannot use its database right now; nothing was stored',
        retryAfterMs: STORAGE_UNAVAILABLE_RETRY_MS,
      };
    }
    const wire = toWireError(error);
    if (wire.code === WireErrorCode.Internal) {
      this.services.logger.error(
        { event: 'request_failed', err: error instanceof Error ? error.name : typeof error },
        'a request failed unexpectedly',
      );
    } else if (error instanceof CodecError) {
      this.services.logger.debug({ event: 'bad_request', code: error.code }, 'a request did not decode');
    }
    return wire;
  }

  private record(method: MethodId | undefined, result: string, started: number): void {
    const name = method === undefined ? 'unknown' : METHODS[method].name;
    this.services.foundation.metrics.requestFinished(name, result, (performance.now() - started) / 1000);
  }
}
