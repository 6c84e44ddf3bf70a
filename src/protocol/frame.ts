import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';

/** Frame = 4-byte big-endian payload length, then the payload (docs/protocol.md). */
export const FRAME_HEADER_BYTES = 4;
/** Default ceiling for one frame's payload: a message cap of 1 MiB plus room for the envelope. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024 + 64 * 1024;

export function encodeFrame(payload: Uint8Array, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Uint8Array {
  if (payload.length > maxFrameBytes) {
    throw new CodecError(
      CodecErrorCode.FrameTooLarge,
      `frame of ${payload.length} bytes exceeds the limit of ${maxFrameBytes}`,
    );
  }
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, false);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/**
 * Incremental decoder for a byte stream: feed chunks as they arrive, get whole frames out.
 * The declared length is checked against the limit before any payload buffer is allocated.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  push(chunk: Uint8Array): Uint8Array[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < FRAME_HEADER_BYTES) break;
      const header = this.peek(FRAME_HEADER_BYTES);
      const length = new DataView(header.buffer, header.byteOffset, 4).getUint32(0, false);
      if (length > this.maxFrameBytes) {
        throw new CodecError(
          CodecErrorCode.FrameTooLarge,
          `frame header declares ${length} bytes, over the limit of ${this.maxFrameBytes}`,
        );
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      this.take(FRAME_HEADER_BYTES);
      frames.push(this.take(length));
    }
    return frames;
  }

  /** Bytes received that do not yet make a whole frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Call at end of stream: leftover bytes mean the peer sent a truncated frame. */
  finish(): void {
    if (this.buffered > 0) {
      throw new CodecError(
        CodecErrorCode.TruncatedFrame,
        `stream ended inside a frame (${this.buffered} bytes left over)`,
      );
    }
  }

  private peek(count: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.length >= count) return first.subarray(0, count);
    const out = new Uint8Array(count);
    let filled = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(count - filled, chunk.length);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
      if (filled === count) break;
    }
    return out;
  }

  private take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const chunk = this.chunks[0];
      if (!chunk) throw new CodecError(CodecErrorCode.TruncatedFrame, 'frame decoder ran out of bytes');
      const n = Math.min(count - filled, chunk.length);
      out.set(chunk.subarray(0, n), filled);
      filled += n;
      if (n === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(n);
    }
    this.buffered -= count;
    return out;
  }
}
