/**
 * A call stream (docs/protocol.md, "Call streams"): after OpenCallStream the client writes Request frames
 * back to back on one stream and the server answers each, tagged with its request id, as it finishes.
 * Each call passes the same router as a call on a stream of its own (per-IP and per-account limits,
 * auth, decoding) and holds one of its address's stream slots while it runs, so a call stream gets no
 * larger share of the server than the same calls on separate streams would.
 */
import { CodecError } from '../../lib/errors.js';
import { encodeErrorResponse, encodeFrame, WireErrorCode } from '../../protocol/index.js';
import type { PeerInfo, PeerStreamSlots, QuicStreamLike } from '../transport/quicListener.js';
import type { RequestRouter } from './requestRouter.js';
import { traceHop } from '../../lib/trace.js';

/** How long a caller over its address's stream share is told to wait. */
export const CALL_SLOT_RETRY_MS = 100;

export interface CallStreamDeps {
  router: RequestRouter;
  maxFrameBytes: number;
  /** Counts a call in the server's in-flight requests (the shutdown drain waits for it). */
  callStarted(): void;
  callFinished(): void;
}

export interface OpenCallStream {
  stream: QuicStreamLike;
  /** The stream's frames, already past the OpenCallStream request. */
  frames: AsyncGenerator<Uint8Array>;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  peer: PeerInfo;
  slots: PeerStreamSlots | undefined;
  maxInFlight: number;
}

/** Serves calls until the client ends the stream (then answers what is left and ends it) or it breaks. */
export async function serveCallStream(deps: CallStreamDeps, open: OpenCallStream): Promise<void> {
  const { stream, frames, writer, peer, slots } = open;
  let running = 0;
  let wake: (() => void) | undefined;
  let broken = false;

  const write = async (response: Uint8Array): Promise<void> => {
    try {
      await writer.write(encodeFrame(response, deps.maxFrameBytes));
      traceHop('server.answered');
    } catch {
      // The client went away or reset the stream: the other calls' answers have nowhere to go either.
      broken = true;
      stream.abort();
    }
  };

  const serveOne = async (payload: Uint8Array): Promise<void> => {
    // Every call on the stream is traced like a call on a stream of its own (docs/performance.md).
    traceHop('server.read');
    deps.callStarted();
    try {
      if (slots !== undefined && !slots.take()) {
        await write(
          deps.router.refuse(
            payload,
            WireErrorCode.RateLimited,
            'too many calls in flight from this address',
            CALL_SLOT_RETRY_MS,
          ),
        );
        return;
      }
      try {
        const call = await deps.router.route(payload, peer);
        await write(call.response);
      } finally {
        slots?.give();
      }
    } finally {
      running--;
      deps.callFinished();
      wake?.();
    }
  };

  const settled = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = () => {
        wake = undefined;
        resolve();
      };
    });

  for (;;) {
    while (running >= open.maxInFlight) await settled();
    if (broken) return;
    let next: IteratorResult<Uint8Array>;
    try {
      next = await frames.next();
    } catch (error) {
      // Too large, truncated or a reset stream: answer what can be answered, then close it.
      if (error instanceof CodecError) {
        await write(encodeErrorResponse(0, WireErrorCode.BadRequest, error.message));
        stream.readable.cancel().catch(() => undefined); // stop the rest of the bad frame
      } else {
        broken = true;
      }
      break;
    }
    if (next.done === true) break;
    running++;
    void serveOne(next.value);
  }
  while (running > 0) await settled();
  if (broken) {
    stream.abort();
    return;
  }
  await writer.close().catch(() => stream.abort());
}
