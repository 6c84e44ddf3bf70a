import type { Logger } from '../../lib/logger.js';
import { CodecError } from '../../lib/errors.js';
import {
  CodecErrorCode,
  DEFAULT_MAX_FRAME_BYTES,
  encodeErrorResponse,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
} from '../../protocol/index.js';
import type { ServerMetrics } from '../metrics/serverMetrics.js';
import type { PeerInfo, PeerStreamSlots, QuicStreamLike, StreamHandler } from '../transport/quicListener.js';
import { serveCallStream, type CallStreamDeps } from './callStreamServer.js';
import type { RequestRouter } from './requestRouter.js';
import type { SessionRegistry } from './sessionRegistry.js';
import { ServerErrorCode } from '../serverErrors.js';
import { traceHop } from '../../lib/trace.js';

/** A stream that sends no whole request in this time is reset, so idle streams cannot pile up. */
export const REQUEST_READ_TIMEOUT_MS = 30_000;

/** Calls one call stream has served at once; past it the server reads no further frame of it. */
export const CALL_STREAM_MAX_IN_FLIGHT = 32;

export interface AppStreamHandler extends StreamHandler {
  /** Requests being read, handled or answered right now. */
  inFlight(): number;
  /** Resolves when no request is in flight (the drain step of a graceful shutdown). */
  idle(): Promise<void>;
}

/**
 * The wire over QUIC: one request frame per stream, one response frame back, then the stream ends;
 * an OpenSession that succeeds keeps its stream for pushes, an OpenCallStream keeps it for further calls
 * (callStreamServer.ts). A stream that sends garbage gets a typed error (request id 0 when none could be
 * read) and is closed; nothing a stream does reaches another.
 */
export function createStreamHandler(deps: {
  router: RequestRouter;
  online: SessionRegistry;
  metrics: ServerMetrics;
  logger: Logger;
  maxFrameBytes?: number;
}): AppStreamHandler {
  const maxFrameBytes = deps.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  let inFlight = 0;
  let idleWaiters: (() => void)[] = [];

  const finished = (): void => {
    inFlight--;
    if (inFlight === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  const callStreamDeps: CallStreamDeps = {
    router: deps.router,
    maxFrameBytes,
    callStarted: () => inFlight++,
    callFinished: finished,
  };

  const serve = async (stream: QuicStreamLike, peer: PeerInfo, slots?: PeerStreamSlots): Promise<void> => {
    const refused = deps.router.refuseEarly(peer);
    if (refused !== undefined) {
      await answerUnread(stream, refused);
      return;
    }
    const timer = setTimeout(() => stream.abort(), REQUEST_READ_TIMEOUT_MS);
    const frames = readFrames(stream.readable, maxFrameBytes);
    let payload: Uint8Array;
    try {
      const first = await frames.next();
      if (first.done === true) {
        throw new CodecError(CodecErrorCode.TruncatedFrame, 'stream ended before a whole frame arrived');
      }
      payload = first.value;
    } catch (error) {
      clearTimeout(timer);
      await refuseUnreadable(stream, error);
      return;
    }
    clearTimeout(timer);
    traceHop('server.read');
    const writer = stream.writable.getWriter();
    let callStream = false;
    let responseWritten: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (responseWritten = resolve));
    let boundSession = false;
    const call = await deps.router.route(payload, peer, {
      ipChecked: true,
      bindSessionStream: (session) => {
        boundSession = true;
        deps.online.open({
          identityKey: session.identityKey,
          token: session.token,
          expiresAt: session.expiresAt,
          connectionId: peer.connectionId,
          ready,
          sink: {
            write: (frame) => writer.write(frame),
            close: () => {
              // A close that fails means the client is gone: nothing is left to tell it.
              writer.close().catch(() => stream.abort());
            },
          },
        });
      },
      bindCallStream: () => {
        callStream = true;
        return CALL_STREAM_MAX_IN_FLIGHT;
      },
    });
    if (!(callStream && call.ok)) discardRest(stream, frames);
    try {
      await writer.write(encodeFrame(call.response, maxFrameBytes));
      traceHop('server.answered');
    } catch {
      stream.abort(); // the client went away; a bound session is forgotten at its first push
      return;
    } finally {
      responseWritten();
    }
    if (boundSession && call.ok && call.method === Method.OpenSession) return; // stays open for pushes
    if (callStream && call.ok) {
      // Served in the background: the stream's own slot and in-flight count end here, each call on it
      // takes its own (so a drain waits for calls, not for a stream a client keeps open).
      void serveCallStream(callStreamDeps, {
        stream,
        frames,
        writer,
        peer,
        slots,
        maxInFlight: CALL_STREAM_MAX_IN_FLIGHT,
      });
      return;
    }
    // The answer is written; a close that fails means the client left before reading it.
    await writer.close().catch(() => stream.abort());
  };

  /**
   * Answer without reading the request (it is refused whatever it says). The request's bytes are then
   * dropped unread, up to UNREAD_DRAIN_BYTES; cancelling at once instead would make the QUIC stack reset
   * the stream under a client still writing, and the client would lose the answer.
   */
  const answerUnread = async (stream: QuicStreamLike, response: Uint8Array): Promise<void> => {
    const writer = stream.writable.getWriter();
    try {
      await writer.write(encodeFrame(response, maxFrameBytes));
      await writer.close();
    } catch {
      stream.abort(); // the client went away
      return;
    }
    drainUnread(stream);
  };

  /** Too large, truncated or a broken stream: answer BAD_REQUEST if the stream still takes it, then close. */
  const refuseUnreadable = async (stream: QuicStreamLike, error: unknown): Promise<void> => {
    const reason = error instanceof CodecError ? error.code : ServerErrorCode.streamError;
    deps.metrics.requestFinished('unknown', WireErrorCode.BadRequest, 0);
    deps.logger.debug({ event: 'unreadable_request', reason }, 'a request frame could not be read');
    const writer = stream.writable.getWriter();
    try {
      const message = error instanceof CodecError ? error.message : 'the request stream broke';
      await writer.write(encodeFrame(encodeErrorResponse(0, WireErrorCode.BadRequest, message)));
      await writer.close();
    } catch {
      stream.abort(); // the stream is gone already
      return;
    }
    // Stop the rest of an oversized or broken request without resetting the answer just written.
    stream.readable.cancel().catch(() => stream.abort());
  };

  return {
    onConnection: () => deps.metrics.connectionOpened(),
    onConnectionClosed: (peer) => {
      deps.metrics.connectionClosed();
      deps.online.dropConnection(peer.connectionId);
    },
    onStream: async (stream, peer, slots) => {
      inFlight++;
      try {
        await serve(stream, peer, slots);
      } finally {
        finished();
      }
    },
    inFlight: () => inFlight,
    idle: () =>
      inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve)),
  };
}

/** Bytes of a refused request dropped before its stream is cancelled outright. */
const UNREAD_DRAIN_BYTES = 64 * 1024;

/** Drop a refused request's bytes without keeping or decoding them; cancel past UNREAD_DRAIN_BYTES. */
function drainUnread(stream: QuicStreamLike): void {
  let reader: ReadableStreamDefaultReader<Uint8Array>;
  try {
    reader = stream.readable.getReader();
  } catch {
    // The stream is already gone (reset by the client): there is nothing left to read.
    return;
  }
  let seen = 0;
  const pump = (): void => {
    reader.read().then(
      ({ done, value }) => {
        if (done) return;
        seen += value.byteLength;
        // Enough dropped: cancel; if even that fails the stream is broken, so reset it.
        if (seen > UNREAD_DRAIN_BYTES) reader.cancel().catch(() => stream.abort());
        else pump();
      },
      () => undefined, // the client reset the stream: nothing left to drop
    );
  };
  pump();
}

/**
 * A request stream carries exactly one frame and then its end. Read on in the background: the end is
 * fine, anything more breaks the rule and the reading side is cancelled (the answer still goes out).
 */
function discardRest(stream: QuicStreamLike, frames: AsyncGenerator<Uint8Array>): void {
  const stopReading = (): void => {
    // A cancel that fails finds the stream gone already, which is what we wanted.
    // The generator has released its reader once it returned or threw; cancelling then stops the peer.
    stream.readable.cancel().catch(() => undefined);
  };
  frames.next().then(({ done }) => {
    if (done === true) return;
    frames.return(undefined).then(stopReading, stopReading);
  }, stopReading);
}
