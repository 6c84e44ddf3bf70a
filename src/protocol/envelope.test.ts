import { describe, expect, it } from 'vitest';
import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import {
  decodePush,
  decodeRequest,
  decodeResponse,
  encodePush,
  encodeRequest,
  encodeResponse,
  RequestEnvelopeError,
} from './envelope.js';
import { wireCodeForCodecError, WireErrorCode } from './errorCodes.js';
import { encodeFrame, FrameDecoder } from './frame.js';
import { Method, type MethodId } from './methods.js';
import { alicePk } from './testing/sampleBodies.js';
import { seededRandom } from './testing/seededRandom.js';

function caught(fn: () => unknown): CodecError | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error;
    throw error;
  }
  return undefined;
}

describe('request envelope', () => {
  it('round-trips with and without a token', () => {
    const body = Uint8Array.of(1, 2, 3);
    const token = new Uint8Array(32).fill(9);
    expect(
      decodeRequest(encodeRequest({ requestId: 7, method: Method.Ack, body, authToken: token })),
    ).toEqual({
      protocolVersion: 1,
      requestId: 7,
      method: Method.Ack,
      body,
      authToken: token,
    });
    const plain = decodeRequest(
      encodeRequest({ requestId: 0xffffffff, method: Method.Ping, body: new Uint8Array() }),
    );
    expect(plain.requestId).toBe(0xffffffff);
    expect(plain.authToken).toBeUndefined();
  });

  it('refuses another protocol version, keeping the request id for the error answer', () => {
    for (const version of [0, 2, 0xffffffff]) {
      const payload = encodeRequest({
        requestId: 5,
        method: Method.Ping,
        body: new Uint8Array(),
        protocolVersion: version,
      });
      const error = caught(() => decodeRequest(payload));
      expect(error).toBeInstanceOf(RequestEnvelopeError);
      expect(error?.code).toBe(CodecErrorCode.UnsupportedVersion);
      expect((error as RequestEnvelopeError).requestId).toBe(5);
      expect(wireCodeForCodecError(error!.code)).toBe(WireErrorCode.UnsupportedVersion);
    }
  });

  it('refuses an unknown method id', () => {
    for (const method of [0, 3, 199, 499, 502, 0xffffffff]) {
      const payload = encodeRequest({ requestId: 6, method: method as MethodId, body: new Uint8Array() });
      const error = caught(() => decodeRequest(payload));
      expect(error?.code).toBe(CodecErrorCode.UnknownMethod);
      expect((error as RequestEnvelopeError).requestId).toBe(6);
    }
  });

  it('refuses an oversized auth token', () => {
    const payload = encodeRequest({ requestId: 1, method: Method.Ping, body: new Uint8Array() });
    const withToken = new Uint8Array([...payload, 0x2a, 65, ...new Array<number>(65).fill(0)]);
    expect(caught(() => decodeRequest(withToken))?.code).toBe(CodecErrorCode.FieldTooLarge);
  });

  it('gives a CodecError for every truncation that cuts a field', () => {
    const payload = encodeRequest({
      requestId: 300,
      method: Method.Enqueue,
      body: new Uint8Array(200).fill(4),
      authToken: new Uint8Array(32),
    });
    let errors = 0;
    for (let cut = 1; cut < payload.length; cut++) {
      const error = caught(() => decodeRequest(payload.subarray(0, cut)));
      if (error) errors++;
    }
    // Cuts inside the 200-byte body and the 32-byte token can never decode.
    expect(errors).toBeGreaterThanOrEqual(230);
  });
});

describe('response envelope', () => {
  it('round-trips ok (also empty) and error', () => {
    expect(decodeResponse(encodeResponse({ requestId: 1, ok: true, body: Uint8Array.of(8) }))).toEqual({
      requestId: 1,
      ok: true,
      body: Uint8Array.of(8),
    });
    expect(decodeResponse(encodeResponse({ requestId: 2, ok: true, body: new Uint8Array() }))).toEqual({
      requestId: 2,
      ok: true,
      body: new Uint8Array(),
    });
    const error = { code: WireErrorCode.RateLimited, message: 'slow down', retryAfterMs: 1500 };
    expect(decodeResponse(encodeResponse({ requestId: 3, ok: false, error }))).toEqual({
      requestId: 3,
      ok: false,
      error,
    });
  });

  it('refuses a response with no result and an error without code', () => {
    expect(caught(() => decodeResponse(Uint8Array.of(0x08, 1)))?.code).toBe(CodecErrorCode.MalformedPayload);
    // Response{request_id=1, error={}}: Error.code is required.
    expect(caught(() => decodeResponse(Uint8Array.of(0x08, 1, 0x1a, 0)))?.code).toBe(
      CodecErrorCode.InvalidField,
    );
  });
});

describe('push', () => {
  it('round-trips delivered messages and session end', () => {
    const messages = decodePush(
      encodePush({
        event: {
          case: 'messages',
          value: { messages: [{ messageId: 1n, payload: Uint8Array.of(1), senderIdentityKey: alicePk }] },
        },
      }),
    );
    expect(messages.event.case).toBe('messages');
    if (messages.event.case !== 'messages') throw new Error('unreachable');
    expect(messages.event.value.messages[0]?.senderIdentityKey).toEqual(alicePk);
    const ended = decodePush(
      encodePush({ event: { case: 'sessionEnded', value: { code: 'UNAUTHENTICATED' } } }),
    );
    expect(ended.event).toMatchObject({ case: 'sessionEnded', value: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses an empty push and a pushed message without payload', () => {
    expect(caught(() => decodePush(new Uint8Array()))?.code).toBe(CodecErrorCode.MalformedPayload);
    // Push{messages={messages=[{message_id=1}]}}
    expect(caught(() => decodePush(Uint8Array.of(0x0a, 4, 0x0a, 2, 0x08, 1)))?.code).toBe(
      CodecErrorCode.InvalidField,
    );
  });
});

describe('hostile input', () => {
  it('turns thousands of seeded-random payloads into a value or a CodecError, nothing else', () => {
    const random = seededRandom(20261122);
    const decoders = [decodeRequest, decodeResponse, decodePush];
    let errors = 0;
    for (let i = 0; i < 4000; i++) {
      const input = random.bytes(random.int(96));
      for (const decode of decoders) {
        try {
          decode(input);
        } catch (error) {
          expect(error).toBeInstanceOf(CodecError);
          errors++;
        }
      }
    }
    expect(errors).toBeGreaterThan(0);
  });

  it('survives random mutations of valid frames end to end', () => {
    const random = seededRandom(7);
    const good = encodeFrame(
      encodeRequest({ requestId: 1, method: Method.FetchQueue, body: Uint8Array.of(8, 1) }),
    );
    for (let i = 0; i < 2000; i++) {
      const bytes = good.slice();
      for (let flips = 1 + random.int(3); flips > 0; flips--)
        bytes[random.int(bytes.length)] = random.int(256);
      const decoder = new FrameDecoder(1024);
      try {
        for (const frame of decoder.push(bytes)) decodeRequest(frame);
        decoder.finish();
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
      }
    }
  });
});
