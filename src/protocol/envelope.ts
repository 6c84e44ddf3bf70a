import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import { decodeChecked, encodeChecked } from './decode.js';
import { PushSchema, RequestSchema, ResponseSchema, type Push } from './gen/qpc/v1/envelope_pb.js';
import { PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './limits.js';
import { isMethodId, type MethodId } from './methods.js';

/** A decoded Request: version supported, method known, body still encoded. */
export interface RequestEnvelope {
  protocolVersion: number;
  requestId: number;
  method: MethodId;
  body: Uint8Array;
  authToken: Uint8Array | undefined;
  /** The shared bearer token and its scheme version, when the client sent one. */
  bearer: BearerCredentialsOnWire | undefined;
}

/** `Request.auth_version` and `Request.bearer_token`: the shared token of a private server. */
export interface BearerCredentialsOnWire {
  authVersion: number;
  token: Uint8Array;
}

export interface WireErrorInfo {
  /** One of WireErrorCode, or a newer code this build does not know (treat like INTERNAL). */
  code: string;
  message: string;
  retryAfterMs: number;
}

export type ResponseEnvelope =
  { requestId: number; ok: true; body: Uint8Array } | { requestId: number; ok: false; error: WireErrorInfo };

/**
 * A request that parsed but cannot be served (unsupported version, unknown method). It carries the
 * request id so the server can still answer with an error Response.
 */
export class RequestEnvelopeError extends CodecError {
  readonly requestId: number;
  constructor(code: CodecErrorCode, message: string, requestId: number) {
    super(code, message);
    this.requestId = requestId;
  }
}

export function encodeRequest(request: {
  requestId: number;
  method: MethodId;
  body: Uint8Array;
  authToken?: Uint8Array | undefined;
  bearer?: BearerCredentialsOnWire | undefined;
  /** Defaults to PROTOCOL_VERSION; only tests send another. */
  protocolVersion?: number;
}): Uint8Array {
  const message = create(RequestSchema, {
    protocolVersion: request.protocolVersion ?? PROTOCOL_VERSION,
    requestId: request.requestId,
    method: request.method,
    body: request.body,
  });
  if (request.authToken !== undefined) message.authToken = request.authToken;
  if (request.bearer !== undefined) {
    message.authVersion = request.bearer.authVersion;
    message.bearerToken = request.bearer.token;
  }
  return encodeChecked(RequestSchema, message);
}

/** Throws CodecError; RequestEnvelopeError (with requestId) for a wrong version or an unknown method. */
export function decodeRequest(payload: Uint8Array): RequestEnvelope {
  const message = decodeChecked(RequestSchema, payload);
  if (!SUPPORTED_PROTOCOL_VERSIONS.includes(message.protocolVersion)) {
    throw new RequestEnvelopeError(
      CodecErrorCode.UnsupportedVersion,
      `protocol version ${message.protocolVersion} is not supported (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
      message.requestId,
    );
  }
  if (!isMethodId(message.method)) {
    throw new RequestEnvelopeError(
      CodecErrorCode.UnknownMethod,
      `unknown method id ${message.method}`,
      message.requestId,
    );
  }
  return {
    protocolVersion: message.protocolVersion,
    requestId: message.requestId,
    method: message.method,
    body: message.body,
    authToken: message.authToken,
    bearer:
      message.authVersion === undefined && message.bearerToken === undefined
        ? undefined
        : { authVersion: message.authVersion ?? 0, token: message.bearerToken ?? new Uint8Array(0) },
  };
}

export function encodeResponse(response: ResponseEnvelope): Uint8Array {
  const message = create(ResponseSchema, {
    requestId: response.requestId,
    result: response.ok
      ? { case: 'ok', value: response.body }
      : { case: 'error', value: { ...response.error } },
  });
  return encodeChecked(ResponseSchema, message);
}

export function decodeResponse(payload: Uint8Array): ResponseEnvelope {
  const message = decodeChecked(ResponseSchema, payload);
  const { result } = message;
  if (result.case === 'ok') return { requestId: message.requestId, ok: true, body: result.value };
  if (result.case === 'error') {
    const { code, message: text, retryAfterMs } = result.value;
    return { requestId: message.requestId, ok: false, error: { code, message: text, retryAfterMs } };
  }
  throw new CodecError(CodecErrorCode.MalformedPayload, 'response has neither ok nor error');
}

export function encodePush(push: MessageInitShape<typeof PushSchema>): Uint8Array {
  return encodeChecked(PushSchema, create(PushSchema, push));
}

/** A decoded Push always has an event; an empty one (from a newer server) is a CodecError. */
export function decodePush(payload: Uint8Array): Push {
  const push = decodeChecked(PushSchema, payload);
  if (push.event.case === undefined) {
    throw new CodecError(CodecErrorCode.MalformedPayload, 'push carries no known event');
  }
  return push;
}
