import { create, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { toHex } from '../lib/bytes.js';
import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import { decodeChecked, encodeChecked } from './decode.js';
import type { EnqueueRequest } from './gen/qpc/v1/delivery_pb.js';
import type { LookupUserRequest } from './gen/qpc/v1/directory_pb.js';
import { encodeRequest, encodeResponse, type BearerCredentialsOnWire } from './envelope.js';
import { isMethodId, Method, METHODS, type MethodId, type MethodTable } from './methods.js';

/** The decoded request body type of a method, e.g. RequestBody<typeof Method.Enqueue> = EnqueueRequest. */
export type RequestBody<M extends MethodId> = MessageShape<MethodTable[M]['request']>;
export type ResponseBody<M extends MethodId> = MessageShape<MethodTable[M]['response']>;
/** What a caller passes to build a body: plain fields, all optional as protobuf-es allows. */
export type RequestBodyInit<M extends MethodId> = MessageInitShape<MethodTable[M]['request']>;
export type ResponseBodyInit<M extends MethodId> = MessageInitShape<MethodTable[M]['response']>;

function specOf<M extends MethodId>(method: M): MethodTable[M] {
  if (!isMethodId(method)) {
    throw new CodecError(CodecErrorCode.UnknownMethod, `unknown method id ${String(method)}`);
  }
  return METHODS[method];
}

export function encodeRequestBody<M extends MethodId>(method: M, body: RequestBodyInit<M>): Uint8Array {
  const schema = specOf(method).request;
  const message = create(schema, body as never) as RequestBody<M>;
  checkCrossFieldRules(method, message);
  return encodeChecked(schema, message as never);
}

export function decodeRequestBody<M extends MethodId>(method: M, bytes: Uint8Array): RequestBody<M> {
  const message = decodeChecked(specOf(method).request, bytes) as RequestBody<M>;
  checkCrossFieldRules(method, message);
  return message;
}

export function encodeResponseBody<M extends MethodId>(method: M, body: ResponseBodyInit<M>): Uint8Array {
  const schema = specOf(method).response;
  return encodeChecked(schema, create(schema, body as never) as never);
}

export function decodeResponseBody<M extends MethodId>(method: M, bytes: Uint8Array): ResponseBody<M> {
  return decodeChecked(specOf(method).response, bytes) as ResponseBody<M>;
}

/** Client side: one Request payload (ready for encodeFrame) with the typed body inside. */
export function encodeCall<M extends MethodId>(
  method: M,
  requestId: number,
  body: RequestBodyInit<M>,
  authToken?: Uint8Array,
  bearer?: BearerCredentialsOnWire,
): Uint8Array {
  return encodeRequest({ requestId, method, body: encodeRequestBody(method, body), authToken, bearer });
}

/** Server side: a successful Response payload with the method's typed response body. */
export function encodeOkResponse<M extends MethodId>(
  method: M,
  requestId: number,
  body: ResponseBodyInit<M>,
): Uint8Array {
  return encodeResponse({ requestId, ok: true, body: encodeResponseBody(method, body) });
}

/** Server side: an error Response payload. `code` should be a WireErrorCode. */
export function encodeErrorResponse(
  requestId: number,
  code: string,
  message: string,
  retryAfterMs = 0,
): Uint8Array {
  return encodeResponse({ requestId, ok: false, error: { code, message, retryAfterMs } });
}

/** Rules that span fields and so cannot live in FIELD_LIMITS (docs/protocol.md, "Enqueue"). */
function checkCrossFieldRules(method: MethodId, message: object): void {
  if (method === Method.LookupUser && (message as LookupUserRequest).query.case === undefined) {
    throw new CodecError(
      CodecErrorCode.InvalidField,
      'LookupUserRequest: set username or identity_public_key',
    );
  }
  if (method !== Method.Enqueue) return;
  const enqueue = message as EnqueueRequest;
  const hasGroup = enqueue.groupId !== undefined;
  const hasEpoch = enqueue.epoch !== undefined;
  if (hasGroup !== hasEpoch) {
    throw new CodecError(
      CodecErrorCode.InvalidField,
      'EnqueueRequest: set both group_id and epoch, or neither',
    );
  }
  if (hasGroup && enqueue.clientMessageId.length === 0) {
    throw new CodecError(CodecErrorCode.InvalidField, 'EnqueueRequest: a commit needs a client_message_id');
  }
  const seen = new Set<string>();
  for (const key of enqueue.recipientIdentityKeys) {
    const hex = toHex(key);
    if (seen.has(hex))
      throw new CodecError(CodecErrorCode.InvalidField, 'EnqueueRequest: duplicate recipient');
    seen.add(hex);
  }
}
