import { describe, expect, it } from 'vitest';
import { QpcError } from '../../lib/errors.js';
import {
  PADDING_BUCKETS,
  PADDING_MAX_BUCKET,
  PADDING_MAX_PAYLOAD,
  PADDING_MIN_BUCKET,
  padToBucket,
  paddedSizeFor,
  paddingErrorCodes,
  paddingOverheadPercent,
  unpad,
} from './padding.js';

/** Byte equality through Buffer.equals: vitest's deep equality walks a 1 MiB array element by element. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof QpcError) return `${error.name}:${error.code}`;
    throw error;
  }
  return undefined;
}

/** Distinct non-zero bytes, so a payload that ends in zeros cannot hide a wrong length. */
function payloadOf(length: number, seed = 7): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((i * 31 + seed) % 255) + 1;
  return bytes;
}

describe('padding buckets', () => {
  it('are the powers of two from 256 bytes to the 1 MiB cap', () => {
    expect(PADDING_BUCKETS[0]).toBe(256);
    expect(PADDING_BUCKETS.at(-1)).toBe(1024 * 1024);
    expect(PADDING_BUCKETS).toHaveLength(13);
    for (let i = 1; i < PADDING_BUCKETS.length; i++) {
      expect(PADDING_BUCKETS[i]).toBe(PADDING_BUCKETS[i - 1]! * 2);
    }
  });

  it('place every boundary length in the right bucket (prefix of 4 bytes counted)', () => {
    const cases: [number, number][] = [
      [0, 256],
      [1, 256],
      [252, 256], // 256 - 4: the largest that fits the first bucket
      [253, 512],
      [255, 512],
      [256, 512],
      [257, 512],
      [508, 512],
      [509, 1024],
      [1020, 1024],
      [1021, 2048],
      [PADDING_MAX_PAYLOAD, PADDING_MAX_BUCKET],
    ];
    for (const [length, bucket] of cases) {
      expect([length, paddedSizeFor(length)]).toEqual([length, bucket]);
      expect(padToBucket(payloadOf(length))).toHaveLength(bucket);
    }
    for (const bucket of PADDING_BUCKETS) {
      expect(paddedSizeFor(bucket - 4)).toBe(bucket);
      if (bucket < PADDING_MAX_BUCKET) expect(paddedSizeFor(bucket - 3)).toBe(bucket * 2);
    }
  });

  it('refuse a payload above the cap, and lengths that are not lengths', () => {
    expect(codeOf(() => paddedSizeFor(PADDING_MAX_PAYLOAD + 1))).toBe(
      `ValidationError:${paddingErrorCodes.tooLarge}`,
    );
    expect(codeOf(() => padToBucket(new Uint8Array(PADDING_MAX_BUCKET)))).toBe(
      `ValidationError:${paddingErrorCodes.tooLarge}`,
    );
    expect(codeOf(() => paddedSizeFor(-1))).toBe(`ValidationError:${paddingErrorCodes.badLength}`);
    expect(codeOf(() => paddedSizeFor(1.5))).toBe(`ValidationError:${paddingErrorCodes.badLength}`);
  });
});

describe('pad and unpad', () => {
  it('round-trip at and around every boundary, with the documented layout', () => {
    const lengths = [0, 1, 100, 251, 252, 253, 255, 256, 257, 508, 509, 4092, 4093, 65_532, 65_533];
    for (const length of lengths) {
      const payload = payloadOf(length);
      const padded = padToBucket(payload);
      const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
      expect(view.getUint32(0, false)).toBe(length);
      expect(sameBytes(padded.subarray(4, 4 + length), payload)).toBe(true);
      expect(padded.subarray(4 + length).every((b) => b === 0)).toBe(true);
      expect(sameBytes(unpad(padded), payload)).toBe(true);
    }
  });

  it('keeps trailing zero bytes of the payload (the length prefix, not the fill, decides)', () => {
    const payload = new Uint8Array([1, 2, 0, 0, 0]);
    expect(unpad(padToBucket(payload))).toEqual(payload);
    expect(unpad(padToBucket(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  it('round-trips the largest payload', () => {
    const payload = payloadOf(PADDING_MAX_PAYLOAD);
    const padded = padToBucket(payload);
    expect(padded).toHaveLength(PADDING_MAX_BUCKET);
    expect(sameBytes(unpad(padded), payload)).toBe(true);
    expect(sameBytes(unpad(padded), payloadOf(PADDING_MAX_PAYLOAD, 8))).toBe(false);
  });

  it('does not modify its input, and unpads a view that does not start at offset 0', () => {
    const payload = payloadOf(10);
    const before = new Uint8Array(payload);
    const padded = padToBucket(payload);
    expect(payload).toEqual(before);
    const shifted = new Uint8Array(padded.length + 3);
    shifted.set(padded, 3);
    expect(unpad(shifted.subarray(3))).toEqual(payload);
  });
});

describe('unpad rejects malformed input with a stable code', () => {
  const codec = (code: string) => `CodecError:${code}`;

  it('a size that is not a bucket', () => {
    for (const size of [0, 3, 4, 255, 257, 300, 511, 513, 1000, PADDING_MAX_BUCKET * 2]) {
      expect([size, codeOf(() => unpad(new Uint8Array(size)))]).toEqual([
        size,
        codec(paddingErrorCodes.notABucket),
      ]);
    }
  });

  it('a length prefix beyond the buffer', () => {
    const padded = padToBucket(payloadOf(10));
    new DataView(padded.buffer).setUint32(0, 253, false);
    expect(codeOf(() => unpad(padded))).toBe(codec(paddingErrorCodes.lengthBeyondBuffer));
    new DataView(padded.buffer).setUint32(0, 0xffffffff, false);
    expect(codeOf(() => unpad(padded))).toBe(codec(paddingErrorCodes.lengthBeyondBuffer));
  });

  it('a non-zero byte anywhere in the fill, including the very last', () => {
    for (const position of [14, 100, PADDING_MIN_BUCKET - 1]) {
      const padded = padToBucket(payloadOf(10));
      padded[position] = 1;
      expect([position, codeOf(() => unpad(padded))]).toEqual([
        position,
        codec(paddingErrorCodes.nonZeroFill),
      ]);
    }
  });

  it('a payload padded to a bigger bucket than its own', () => {
    const padded = new Uint8Array(512);
    new DataView(padded.buffer).setUint32(0, 10, false);
    expect(codeOf(() => unpad(padded))).toBe(codec(paddingErrorCodes.notSmallestBucket));
  });
});

describe('overhead', () => {
  it('is measured against the unpadded size', () => {
    expect(paddingOverheadPercent(128)).toBe(100);
    expect(paddingOverheadPercent(252)).toBeCloseTo((4 / 252) * 100, 10);
    expect(paddingOverheadPercent(253)).toBeCloseTo(((512 - 253) / 253) * 100, 10);
  });
});
