/**
 * Many calls on one long-lived QUIC stream: request frames written back to back, answers matched to
 * their callers by request id in whatever order they come. Opening a stream per request costs a
 * stream open, a FIN each way and the stream's state on both ends for every call; on one stream a call
 * costs one frame each way (docs/protocol.md, "Call streams"; docs/performance.md, "Transport").
 */
import { NetworkError } from '../../lib/errors.js';
import { encodeFrame } from '../../protocol/index.js';
import { traceHop } from '../../lib/trace.js';
import { EngineErrorCode } from '../engineErrors.js';
import type { DuplexStream } from './quicTransport.js';

/** What a frame read back on the stream says: the request it answers, and the decoded answer. */
export interface MatchedAnswer<T> {
  requestId: number;
  value: T;
}

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export class CallStream<T> {
  private readonly pending = new Map<number, Pending<T>>();
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private brokenBy: unknown;
  /** Resolves once the stream is unusable (ended, reset, or an answer that did not decode). */
  readonly ended: Promise<void>;

  /**
   * `frames` reads the stream (it may already have yielded the answer that opened the mode); `decode`
   * turns a frame into its request id and answer, and throws for a frame that is not an answer.
   */
  constructor(
    private readonly stream: DuplexStream,
    frames: AsyncGenerator<Uint8Array>,
    private readonly decode: (frame: Uint8Array) => MatchedAnswer<T>,
    private readonly maxFrameBytes?: number,
  ) {
    this.writer = stream.writable.getWriter();
    this.ended = this.readAnswers(frames);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get usable(): boolean {
    return this.brokenBy === undefined;
  }

  /** Sends one request frame; resolves with its answer. The id must not be in flight already. */
  call(requestId: number, payload: Uint8Array): Promise<T> {
    if (this.brokenBy !== undefined) return Promise.reject(this.lostError(this.brokenBy));
    if (this.pending.has(requestId)) {
      return Promise.reject(
        new NetworkError(EngineErrorCode.duplicateRequestId, `request id ${requestId} is in flight`),
      );
    }
    const frame = encodeFrame(payload, this.maxFrameBytes);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.writer.write(frame).then(
        () => traceHop('client.frameWritten'),
        (error: unknown) => this.breakWith(error),
      );
    });
  }

  /** Gives up waiting for one answer (its caller timed out); a late answer is then dropped. */
  forget(requestId: number): void {
    this.pending.delete(requestId);
  }

  /** Ends the stream; calls still waiting fail with CONNECTION_LOST. */
  close(): void {
    this.breakWith(new Error('call stream closed by the client'));
    this.stream.close();
  }

  private async readAnswers(frames: AsyncGenerator<Uint8Array>): Promise<void> {
    try {
      for await (const frame of frames) {
        const answer = this.decode(frame);
        const waiting = this.pending.get(answer.requestId);
        // An answer nobody waits for belongs to a call that timed out: dropping it is what forget() promised.
        if (waiting === undefined) continue;
        this.pending.delete(answer.requestId);
        traceHop('client.answered');
        waiting.resolve(answer.value);
      }
      this.breakWith(new Error('the server ended the call stream'));
    } catch (error) {
      this.breakWith(error);
    }
  }

  private breakWith(cause: unknown): void {
    if (this.brokenBy === undefined) this.brokenBy = cause;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const call of waiting) call.reject(this.lostError(cause));
  }

  private lostError(cause: unknown): NetworkError {
    return new NetworkError(
      EngineErrorCode.connectionLost,
      'the call stream to the server broke during a request',
      {
        hint: 'the client reconnects by itself; try again',
        cause,
      },
    );
  }
}
