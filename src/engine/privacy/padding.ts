/**
 * Length padding for everything this client hands to the server (docs/threat-model.md). A ciphertext is
 * padded to the next size bucket, a power of two from 256 bytes up to the 1 MiB message cap, so the
 * server (and anyone watching the wire) learns only which bucket a message fell in, not its length.
 *
 * Format of a padded buffer (its total length is exactly one bucket):
 *
 *   u32 BE payload length | payload | zero fill
 *
 * The length prefix makes unpadding unambiguous (an MLS message may itself end in zero bytes). Above
 * the cap there is no bucket: padToBucket refuses with PADDING_TOO_LARGE rather than leaking an exact
 * size, and the server would refuse a payload larger than MAX_PAYLOAD_BYTES anyway.
 */
import { CodecError, ValidationError } from '../../lib/errors.js';
import { MAX_PAYLOAD_BYTES } from '../../protocol/limits.js';

/** The smallest bucket: a short text in MLS is about 150-250 bytes, so almost all chat fits one bucket. */
export const PADDING_MIN_BUCKET = 256;
/** The largest bucket is the message cap itself (1 MiB), so a padded message always fits a payload. */
export const PADDING_MAX_BUCKET = MAX_PAYLOAD_BYTES;
export const PADDING_PREFIX_BYTES = 4;
/** The largest payload that can be padded: the top bucket minus the length prefix. */
export const PADDING_MAX_PAYLOAD = PADDING_MAX_BUCKET - PADDING_PREFIX_BYTES;

/** Stable codes; the CLI, the tests and the wire match on these. */
export const paddingErrorCodes = {
  /** padToBucket: the payload does not fit the largest bucket. */
  tooLarge: 'PADDING_TOO_LARGE',
  /** paddedSizeFor: a length that is not a non-negative integer (a bug in the caller). */
  badLength: 'PADDING_BAD_LENGTH',
  /** unpad: the buffer's length is not one of the buckets. */
  notABucket: 'PADDING_NOT_A_BUCKET',
  /** unpad: the length prefix points past the end of the buffer. */
  lengthBeyondBuffer: 'PADDING_LENGTH_BEYOND_BUFFER',
  /** unpad: a byte after the payload is not zero. */
  nonZeroFill: 'PADDING_NONZERO_FILL',
  /** unpad: the payload would fit a smaller bucket, so the sender did not pad as specified. */
  notSmallestBucket: 'PADDING_NOT_SMALLEST_BUCKET',
} as const;

/** All buckets, smallest first: 256, 512, ..., 1048576 (13 sizes). */
export const PADDING_BUCKETS: readonly number[] = (() => {
  const sizes: number[] = [];
  for (let size = PADDING_MIN_BUCKET; size <= PADDING_MAX_BUCKET; size *= 2) sizes.push(size);
  return sizes;
})();

export function isPaddingBucket(size: number): boolean {
  return PADDING_BUCKETS.includes(size);
}

/** The bucket a payload of this many bytes is padded to; throws PADDING_TOO_LARGE above the cap. */
export function paddedSizeFor(payloadLength: number): number {
  if (!Number.isInteger(payloadLength) || payloadLength < 0) {
    throw new ValidationError(paddingErrorCodes.badLength, 'payload length must be a non-negative integer');
  }
  const needed = payloadLength + PADDING_PREFIX_BYTES;
  for (const bucket of PADDING_BUCKETS) if (needed <= bucket) return bucket;
  throw new ValidationError(
    paddingErrorCodes.tooLarge,
    `a payload of ${payloadLength} bytes exceeds the largest padding bucket (${PADDING_MAX_PAYLOAD} bytes)`,
    { hint: 'send a smaller message; the server refuses payloads above 1 MiB' },
  );
}

/** Pads a (non-secret) ciphertext to its bucket. The input is copied, never modified. */
export function padToBucket(payload: Uint8Array): Uint8Array {
  const padded = new Uint8Array(paddedSizeFor(payload.length)); // zero-filled by the runtime
  new DataView(padded.buffer).setUint32(0, payload.length, false);
  padded.set(payload, PADDING_PREFIX_BYTES);
  return padded;
}

/**
 * Removes the padding, validating every rule so that a malformed buffer never reaches the MLS decoder.
 * Returns a view into `padded` (ciphertext is not secret; copy it if the buffer will be reused).
 */
export function unpad(padded: Uint8Array): Uint8Array {
  if (!isPaddingBucket(padded.length)) {
    throw new CodecError(
      paddingErrorCodes.notABucket,
      `a padded message is 256 bytes to 1 MiB in powers of two, got ${padded.length} bytes`,
    );
  }
  const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  const length = view.getUint32(0, false);
  const end = PADDING_PREFIX_BYTES + length;
  if (end > padded.length) {
    throw new CodecError(
      paddingErrorCodes.lengthBeyondBuffer,
      `the length prefix (${length}) points past the end of a ${padded.length}-byte buffer`,
    );
  }
  if (paddedSizeFor(length) !== padded.length) {
    throw new CodecError(
      paddingErrorCodes.notSmallestBucket,
      `a ${length}-byte payload belongs in the ${paddedSizeFor(length)}-byte bucket, not ${padded.length}`,
    );
  }
  // OR every fill byte together: one pass, no early exit, whatever the content.
  let fill = 0;
  for (let i = end; i < padded.length; i++) fill |= padded[i]!;
  if (fill !== 0) {
    throw new CodecError(paddingErrorCodes.nonZeroFill, 'the padding after the payload is not all zero');
  }
  return padded.subarray(PADDING_PREFIX_BYTES, end);
}

/** Overhead of padding one payload, in percent of the unpadded size (for the bench and the docs). */
export function paddingOverheadPercent(payloadLength: number): number {
  if (payloadLength === 0) return Number.POSITIVE_INFINITY;
  return ((paddedSizeFor(payloadLength) - payloadLength) / payloadLength) * 100;
}
