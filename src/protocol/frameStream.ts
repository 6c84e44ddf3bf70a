import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder, encodeFrame } from './frame.js';

/**
 * Frames over a web ReadableStream (what a QUIC stream exposes). Yields whole payloads; a stream that ends
 * inside a frame or declares an oversized one raises a CodecError, never anything else.
 */
export async function* readFrames(
  readable: ReadableStream<Uint8Array>,
  maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
): AsyncGenerator<Uint8Array, void, undefined> {
  const decoder = new FrameDecoder(maxFrameBytes);
  const reader = readable.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const frame of decoder.push(value)) yield frame;
    }
    decoder.finish();
  } finally {
    reader.releaseLock();
  }
}

/** Reads exactly one frame, then stops reading; a stream that ends first is a truncated frame. */
export async function readOneFrame(
  readable: ReadableStream<Uint8Array>,
  maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
): Promise<Uint8Array> {
  for await (const frame of readFrames(readable, maxFrameBytes)) return frame;
  throw new CodecError(CodecErrorCode.TruncatedFrame, 'stream ended before a whole frame arrived');
}

export async function writeFrame(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  payload: Uint8Array,
  maxFrameBytes = DEFAULT_MAX_FRAME_BYTES,
): Promise<void> {
  await writer.write(encodeFrame(payload, maxFrameBytes));
}
