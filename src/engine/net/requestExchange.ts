/**
 * The request exchange of one QUIC connection: a request frame out and its answer back, on the
 * connection's call stream when the server has them (docs/protocol.md, "Call streams"), else on a
 * stream of its own; and the deadline that cuts short a request to a server that went silent.
 *
 * One RequestExchange lives exactly as long as its transport: the call stream, the open in progress and
 * the "this server has no call streams" verdict all belong to that connection. A reconnect makes a new
 * one, so nothing of a dead connection (a stalled OpenCallStream above all) can hold up the calls of
 * the next.
 */
import { NetworkError } from '../../lib/errors.js';
import {
  decodeResponse,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
  type ResponseEnvelope,
} from '../../protocol/index.js';
import { EngineErrorCode } from '../engineErrors.js';
import { CallStream } from './callStream.js';
import { activeDeadline } from './liveness.js';
import type { DuplexStream, QuicTransport } from './quicTransport.js';

/** Answers to OpenCallStream that mean "this server has no call streams": do not ask it again. */
const NO_CALL_STREAMS: ReadonlySet<string> = new Set<string>([
  WireErrorCode.UnknownMethod,
  WireErrorCode.NotImplemented,
  WireErrorCode.BadRequest,
]);

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export interface RequestExchangeOptions {
  /** Carry calls on one long-lived call stream (false: a new stream per call). */
  callStreams: boolean;
  /** Active time (liveness.ts) a request may wait for its answer. */
  requestTimeoutMs: number;
  /** The server's name, for error messages. */
  server: string;
  /** A fresh request id (the connection's counter, shared with the session stream). */
  takeRequestId: () => number;
  /** A request went unanswered past its deadline: the connection is taken for dead. */
  timedOut: () => void;
}

export class RequestExchange {
  private callStream: CallStream<ResponseEnvelope> | undefined;
  private callStreamOpening: Promise<CallStream<ResponseEnvelope> | undefined> | undefined;
  /** The server answered OpenCallStream with "unknown": a stream per call on this connection. */
  private callStreamRefused = false;
  private closed = false;

  constructor(
    private readonly transport: QuicTransport,
    private readonly options: RequestExchangeOptions,
  ) {}

  /** One request out, its answer back, within the request timeout. */
  async exchange(requestId: number, payload: Uint8Array): Promise<ResponseEnvelope> {
    let calls: CallStream<ResponseEnvelope> | undefined;
    const answered = (async () => {
      calls = await this.callStreamFor();
      if (calls === undefined) return decodeResponse(await this.transport.request(payload));
      return calls.call(requestId, payload);
    })();
    try {
      return await this.withTimeout(answered);
    } catch (error) {
      // A late answer to a call given up on is dropped by the call stream, not kept in its table.
      calls?.forget(requestId);
      throw error;
    }
  }

  /** Ends the call stream; calls still waiting on it fail with CONNECTION_LOST. */
  close(): void {
    this.closed = true;
    this.callStream?.close();
    this.callStream = undefined;
  }

  /**
   * A request on a connection to a killed server hangs until the idle timeout: cut it short. The
   * deadline counts active time, so an answer that arrived while our event loop was blocked is read
   * first; a connection that closes fails the request at once.
   */
  async withTimeout<T>(work: Promise<T>): Promise<T> {
    const { requestTimeoutMs, server } = this.options;
    let cancel: (() => void) | undefined;
    const timeout = new Promise<never>((_, reject) => {
      cancel = activeDeadline(requestTimeoutMs, () => {
        reject(
          new NetworkError(
            EngineErrorCode.requestTimeout,
            `${server} did not answer in ${requestTimeoutMs} ms`,
          ),
        );
        this.options.timedOut();
      });
    });
    // A caller such as the outbox must not wait out the timeout before it can retry elsewhere.
    const lost = this.transport.closed.then(() => {
      throw new NetworkError(
        EngineErrorCode.connectionLost,
        'the connection to the server closed during a request',
        { hint: 'the client reconnects by itself; try again' },
      );
    });
    // Only one of the three settles the call; the others must not surface as unhandled rejections.
    timeout.catch(() => undefined);
    lost.catch(() => undefined);
    try {
      return await Promise.race([work, timeout, lost]);
    } finally {
      cancel?.();
    }
  }

  private callStreamFor(): Promise<CallStream<ResponseEnvelope> | undefined> {
    if (!this.options.callStreams || this.callStreamRefused || this.closed) return Promise.resolve(undefined);
    if (this.callStream?.usable === true) return Promise.resolve(this.callStream);
    this.callStreamOpening ??= this.openCallStream().finally(() => {
      this.callStreamOpening = undefined;
    });
    return this.callStreamOpening;
  }

  /**
   * Opens the call stream; undefined when it cannot be had right now (the call then takes a stream of
   * its own) or ever on this connection (a server from before call streams answers UNKNOWN_METHOD).
   */
  private async openCallStream(): Promise<CallStream<ResponseEnvelope> | undefined> {
    let stream: DuplexStream | undefined;
    try {
      stream = this.transport.openStream();
      const frames = readFrames(stream.readable);
      const writer = stream.writable.getWriter();
      await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, this.options.takeRequestId(), {})));
      writer.releaseLock();
      const first = await frames.next();
      if (first.done === true)
        throw new NetworkError(EngineErrorCode.callStreamClosed, 'the server ended the call stream');
      const response = decodeResponse(first.value);
      if (!response.ok) {
        if (NO_CALL_STREAMS.has(response.error.code)) this.callStreamRefused = true;
        stream.close();
        return undefined;
      }
      const calls = new CallStream(stream, frames, (frame) => {
        const answer = decodeResponse(frame);
        return { requestId: answer.requestId, value: answer };
      });
      if (this.closed) {
        calls.close();
        return undefined;
      }
      this.callStream = calls;
      return calls;
    } catch {
      // A stream that broke while opening: this call takes a stream of its own, the next one tries again.
      stream?.close();
      return undefined;
    }
  }
}
