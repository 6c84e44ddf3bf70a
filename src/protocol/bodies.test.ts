import { create, equals, ScalarType, toBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { CodecError } from '../lib/errors.js';
import {
  decodeRequestBody,
  decodeResponseBody,
  encodeCall,
  encodeErrorResponse,
  encodeOkResponse,
  encodeRequestBody,
  encodeResponseBody,
} from './bodies.js';
import { CodecErrorCode } from './codecErrors.js';
import { decodeRequest, decodeResponse } from './envelope.js';
import { LoginStartRequestSchema } from './gen/qpc/v1/auth_pb.js';
import { AckRequestSchema, EnqueueRequestSchema } from './gen/qpc/v1/delivery_pb.js';
import { FIELD_LIMITS } from './limits.js';
import { Method, METHODS, type MethodId } from './methods.js';
import { checkWireLimits } from './wireLimits.js';
import { SAMPLE_BODIES } from './testing/sampleBodies.js';

const methodIds = Object.keys(METHODS).map(Number) as MethodId[];

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return undefined;
}

describe('typed bodies', () => {
  it.each(methodIds)('method %i: request and response bodies round-trip', (method) => {
    const spec = METHODS[method];
    const sample = SAMPLE_BODIES[method];
    const request = decodeRequestBody(method, encodeRequestBody(method, sample.request as never));
    expect(equals(spec.request, request as never, create(spec.request, sample.request as never))).toBe(true);
    const response = decodeResponseBody(method, encodeResponseBody(method, sample.response as never));
    expect(equals(spec.response, response as never, create(spec.response, sample.response as never))).toBe(
      true,
    );
  });

  it('carries a typed body through the request and response envelopes', () => {
    const token = new Uint8Array(32).fill(1);
    const request = decodeRequest(
      encodeCall(Method.Enqueue, 9, SAMPLE_BODIES[Method.Enqueue].request, token),
    );
    expect(request.method).toBe(Method.Enqueue);
    expect(request.authToken).toEqual(token);
    const enqueue = decodeRequestBody(Method.Enqueue, request.body);
    expect(enqueue.epoch).toBe(17n);
    expect(enqueue.recipientIdentityKeys).toHaveLength(2);

    const response = decodeResponse(
      encodeOkResponse(Method.FetchQueue, 9, SAMPLE_BODIES[Method.FetchQueue].response),
    );
    expect(response.ok).toBe(true);
    if (!response.ok) throw new Error('unreachable');
    const fetched = decodeResponseBody(Method.FetchQueue, response.body);
    expect(fetched.messages.map((m) => m.messageId)).toEqual([42n, 43n]);

    const failure = decodeResponse(encodeErrorResponse(9, 'COMMIT_CONFLICT', 'lost the race'));
    expect(failure).toEqual({
      requestId: 9,
      ok: false,
      error: { code: 'COMMIT_CONFLICT', message: 'lost the race', retryAfterMs: 0 },
    });
  });

  it('refuses an unknown method id in the typed helpers', () => {
    expect(codeOf(() => decodeRequestBody(999 as MethodId, new Uint8Array()))).toBe(
      CodecErrorCode.UnknownMethod,
    );
  });

  it('refuses missing required fields and wrong fixed lengths', () => {
    expect(codeOf(() => decodeRequestBody(Method.RegisterStart, new Uint8Array()))).toBe(
      CodecErrorCode.InvalidField,
    );
    const shortKey = {
      ...SAMPLE_BODIES[Method.RegisterFinish].request,
      identityPublicKey: new Uint8Array(31),
    };
    expect(codeOf(() => encodeRequestBody(Method.RegisterFinish, shortKey))).toBe(
      CodecErrorCode.InvalidField,
    );
  });

  it('needs a query in LookupUser', () => {
    expect(codeOf(() => decodeRequestBody(Method.LookupUser, new Uint8Array()))).toBe(
      CodecErrorCode.InvalidField,
    );
    const byKey = { query: { case: 'identityPublicKey' as const, value: new Uint8Array(32) } };
    expect(decodeRequestBody(Method.LookupUser, encodeRequestBody(Method.LookupUser, byKey)).query.case).toBe(
      'identityPublicKey',
    );
  });

  it('enforces the username pattern on both encode and decode', () => {
    for (const username of ['Al', 'Alice', '-alice', 'al ice', 'ali\u00e9']) {
      expect(codeOf(() => encodeRequestBody(Method.LoginStart, { username, startLoginRequest: 'x' }))).toBe(
        CodecErrorCode.InvalidField,
      );
      const raw = toBinary(
        LoginStartRequestSchema,
        create(LoginStartRequestSchema, { username, startLoginRequest: 'x' }),
      );
      expect(codeOf(() => decodeRequestBody(Method.LoginStart, raw))).toBe(CodecErrorCode.InvalidField);
    }
    const long = { username: 'a'.repeat(33), startLoginRequest: 'x' };
    expect(codeOf(() => encodeRequestBody(Method.LoginStart, long))).toBe(CodecErrorCode.FieldTooLarge);
    expect(
      codeOf(() => encodeRequestBody(Method.LoginStart, { username: 'a.b_c-9', startLoginRequest: 'x' })),
    ).toBe(undefined);
  });

  it('refuses an oversized payload and too many recipients with typed codes', () => {
    const base = SAMPLE_BODIES[Method.Enqueue].request;
    const big = { ...base, payload: new Uint8Array(1024 * 1024 + 1) };
    expect(codeOf(() => encodeRequestBody(Method.Enqueue, big))).toBe(CodecErrorCode.FieldTooLarge);
    const many = Array.from({ length: 1001 }, (_, i) => {
      const key = new Uint8Array(32);
      new DataView(key.buffer).setUint16(0, i);
      return key;
    });
    expect(codeOf(() => encodeRequestBody(Method.Enqueue, { ...base, recipientIdentityKeys: many }))).toBe(
      CodecErrorCode.TooManyItems,
    );
  });

  it('checks sizes on the raw bytes, before decoding allocates', () => {
    // Bypass our encoder: protobuf-es writes what a hostile peer would send.
    const hostile = create(EnqueueRequestSchema, {
      recipientIdentityKeys: [new Uint8Array(32)],
      payload: new Uint8Array(1024 * 1024 + 1),
    });
    const bytes = toBinary(EnqueueRequestSchema, hostile);
    // The raw-bytes walk alone refuses it: no decoded message is needed.
    expect(codeOf(() => checkWireLimits(EnqueueRequestSchema, bytes))).toBe(CodecErrorCode.FieldTooLarge);
    expect(codeOf(() => decodeRequestBody(Method.Enqueue, bytes))).toBe(CodecErrorCode.FieldTooLarge);
    // 1001 packed ids in one field: counted without decoding them.
    const ack = new Uint8Array([0x0a, ...varint(1001), ...new Array<number>(1001).fill(1)]);
    expect(codeOf(() => decodeRequestBody(Method.Ack, ack))).toBe(CodecErrorCode.TooManyItems);
    // The same count as unpacked entries (one tag each) is refused too; 1000 is accepted.
    const unpacked = (n: number): Uint8Array =>
      new Uint8Array(new Array<number>(n).fill(0).flatMap(() => [0x08, 1]));
    expect(codeOf(() => decodeRequestBody(Method.Ack, unpacked(1001)))).toBe(CodecErrorCode.TooManyItems);
    expect(decodeRequestBody(Method.Ack, unpacked(1000)).messageIds).toHaveLength(1000);
    const packed1000 = toBinary(
      AckRequestSchema,
      create(AckRequestSchema, { messageIds: new Array(1000).fill(1n) }),
    );
    expect(decodeRequestBody(Method.Ack, packed1000).messageIds).toHaveLength(1000);
  });

  it('enforces the commit rules of Enqueue', () => {
    const base = SAMPLE_BODIES[Method.Enqueue].request;
    expect(codeOf(() => encodeRequestBody(Method.Enqueue, { ...base, epoch: undefined }))).toBe(
      CodecErrorCode.InvalidField,
    );
    expect(
      codeOf(() => encodeRequestBody(Method.Enqueue, { ...base, clientMessageId: new Uint8Array() })),
    ).toBe(CodecErrorCode.InvalidField);
    const dup = { ...base, recipientIdentityKeys: [new Uint8Array(32), new Uint8Array(32)] };
    expect(codeOf(() => encodeRequestBody(Method.Enqueue, dup))).toBe(CodecErrorCode.InvalidField);
    const plain = { recipientIdentityKeys: [new Uint8Array(32)], payload: Uint8Array.of(1) };
    expect(
      decodeRequestBody(Method.Enqueue, encodeRequestBody(Method.Enqueue, plain)).groupId,
    ).toBeUndefined();
  });

  it('gives every bytes, string and repeated field of every body a documented limit', () => {
    const missing: string[] = [];
    for (const spec of Object.values(METHODS)) {
      for (const desc of [spec.request, spec.response]) {
        for (const field of desc.fields) {
          const unbounded =
            field.fieldKind === 'list' ||
            (field.fieldKind === 'scalar' &&
              (field.scalar === ScalarType.BYTES || field.scalar === ScalarType.STRING));
          if (unbounded && FIELD_LIMITS[desc.typeName]?.[field.name] === undefined) {
            missing.push(`${desc.typeName}.${field.name}`);
          }
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

function varint(value: number): number[] {
  const out: number[] = [];
  while (value > 0x7f) {
    out.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  out.push(value);
  return out;
}
