import { describe, expect, it } from 'vitest';
import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder, FRAME_HEADER_BYTES } from './frame.js';
import { seededRandom } from './testing/seededRandom.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof CodecError) return error.code;
    throw error;
  }
  return undefined;
}

describe('frame codec', () => {
  it('round-trips payloads of several sizes, including empty', () => {
    const random = seededRandom(1);
    for (const size of [0, 1, 3, 4, 5, 255, 256, 65_537]) {
      const payload = random.bytes(size);
      const frame = encodeFrame(payload);
      expect(frame.length).toBe(FRAME_HEADER_BYTES + size);
      expect(new DataView(frame.buffer).getUint32(0, false)).toBe(size);
      const decoder = new FrameDecoder();
      expect(decoder.push(frame)).toEqual([payload]);
      expect(decoder.pendingBytes).toBe(0);
      decoder.finish();
    }
  });

  it('reassembles frames delivered one byte at a time', () => {
    const random = seededRandom(2);
    const payloads = [random.bytes(10), random.bytes(0), random.bytes(300)];
    const stream = Uint8Array.from(payloads.flatMap((p) => [...encodeFrame(p)]));
    const decoder = new FrameDecoder();
    const out: Uint8Array[] = [];
    for (const byte of stream) out.push(...decoder.push(Uint8Array.of(byte)));
    expect(out).toEqual(payloads);
    decoder.finish();
  });

  it('splits several frames arriving in one chunk and in random chunks', () => {
    const random = seededRandom(3);
    const payloads = Array.from({ length: 20 }, () => random.bytes(random.int(200)));
    const stream = Uint8Array.from(payloads.flatMap((p) => [...encodeFrame(p)]));
    expect(new FrameDecoder().push(stream)).toEqual(payloads);
    const decoder = new FrameDecoder();
    const out: Uint8Array[] = [];
    for (let at = 0; at < stream.length;) {
      const step = 1 + random.int(50);
      out.push(...decoder.push(stream.subarray(at, at + step)));
      at += step;
    }
    expect(out).toEqual(payloads);
  });

  it('reports a truncated frame at end of stream', () => {
    const frame = encodeFrame(new Uint8Array(10));
    for (const cut of [1, 3, 4, 13]) {
      const decoder = new FrameDecoder();
      expect(decoder.push(frame.subarray(0, cut))).toEqual([]);
      expect(codeOf(() => decoder.finish())).toBe(CodecErrorCode.TruncatedFrame);
    }
  });

  it('refuses an oversized header before the payload arrives', () => {
    const decoder = new FrameDecoder(1000);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, 1001, false);
    expect(codeOf(() => decoder.push(header))).toBe(CodecErrorCode.FrameTooLarge);
    const huge = Uint8Array.of(0xff, 0xff, 0xff, 0xff);
    expect(codeOf(() => new FrameDecoder().push(huge))).toBe(CodecErrorCode.FrameTooLarge);
  });

  it('refuses to encode a payload over the limit', () => {
    expect(codeOf(() => encodeFrame(new Uint8Array(11), 10))).toBe(CodecErrorCode.FrameTooLarge);
    expect(codeOf(() => encodeFrame(new Uint8Array(DEFAULT_MAX_FRAME_BYTES + 1)))).toBe(
      CodecErrorCode.FrameTooLarge,
    );
  });

  it('turns thousands of random byte streams into frames or a CodecError, nothing else', () => {
    const random = seededRandom(4);
    let frames = 0;
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      // Small limits so random headers both pass and fail the size check.
      const decoder = new FrameDecoder(64 + random.int(4096));
      const input = random.bytes(random.int(64));
      // Bias some inputs toward small declared lengths, which random headers rarely produce.
      if (input.length >= 4 && random.next() < 0.5) input.set([0, 0, 0, random.int(40)], 0);
      try {
        frames += decoder.push(input).length;
        decoder.finish();
      } catch (error) {
        expect(error).toBeInstanceOf(CodecError);
        errors++;
      }
    }
    expect(frames).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
  });
});
