/**
 * One logical connection to a qpc-server: typed calls over the codec, trust-on-first-use pinning, the
 * session stream, and reconnection with exponential backoff and jitter when the QUIC connection dies.
 * It knows nothing of accounts or groups; the client layer listens for `connected` to log in again,
 * reopen the session stream, catch up and flush its outbox.
 */
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetworkError, QpcError, RateLimitError } from '../../lib/errors.js';
import {
  BEARER_AUTH_VERSION,
  BEARER_METHODS,
  decodePush,
  decodeResponse,
  decodeResponseBody,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
  type MethodId,
  type Push,
  type RequestBodyInit,
  type ResponseBody,
} from '../../protocol/index.js';
import { EngineErrorCode } from '../engineErrors.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { pinDecision, settleCertificate, type TrustedSigningKeys } from './certificateChange.js';
import {
  connectQuic,
  PinMismatchError,
  type DuplexStream,
  type QuicTransport,
  type QuicTransportOptions,
} from './quicTransport.js';
import { LivenessWatch, type LivenessOptions } from './liveness.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, RequestExchange } from './requestExchange.js';
import { defaultServerName, formatServerAddress, type ServerAddress } from './serverAddress.js';
import { errorFromWire } from './wireErrors.js';
import { traceHop } from '../../lib/trace.js';

/**
 * How many times one call may meet RATE_LIMITED before the error reaches the caller. The server's
 * retry-after only says when the oldest request leaves its window, so clients sharing an address can take
 * that slot first many times in a row: a handful of tries ran out in seconds under load, and an action the
 * user asked for failed although the server had done nothing and would have served it a moment later.
 */
export const RATE_LIMIT_MAX_ATTEMPTS = 40;

/** The wait before repeating a refused call: the retry-after, plus a random spread so that clients which
 * were refused together do not all come back in the same millisecond. */
function rateLimitWaitMs(retryAfterMs: number): number {
  return Math.min(5_000, Math.max(20, retryAfterMs) + Math.floor(Math.random() * 30));
}

export type ConnectionStatus = 'connecting' | 'online' | 'offline';

export interface ConnectionStatusEvent {
  status: ConnectionStatus;
  /** Why we are offline (an error code), when known. */
  reason?: string;
}

/** Where pins live (the profile store's server_pins table in production). */
export interface PinStore {
  get(server: string): string | undefined;
  set(server: string, certificateSha256: string): void;
}

export interface ServerConnectionOptions {
  address: ServerAddress;
  serverName?: string;
  pins: PinStore;
  /** The server's signing keys as pinned by this profile: what lets a certificate change be verified. */
  signingKeys?: TrustedSigningKeys;
  /** Injected in unit tests; connectQuic otherwise. */
  transportFactory?: (options: QuicTransportOptions) => Promise<QuicTransport>;
  backoff?: BackoffOptions;
  /** Reconnect after the connection dies (default true). One-shot commands turn it off. */
  reconnect?: boolean;
  requestTimeoutMs?: number;
  maxIdleTimeoutMs?: number;
  keepAliveIntervalMs?: number;
  /** The shared bearer token of a private server (QPC_AUTH_TOKEN), sent with the admission methods. */
  bearerToken?: string;
  /**
   * Carry calls on one long-lived call stream (default true); false opens a stream per call, as before.
   * A server without call streams gets a stream per call either way.
   */
  callStreams?: boolean;
  /**
   * Notice a silent server from here, in time our event loop ran (liveness.ts), rather than by QUIC's
   * idle timeout, which a stall of ours trips too. Absent: only the idle timeout and request timeouts.
   */
  liveness?: LivenessOptions;
}

export interface ServerConnectionEvents {
  status: [ConnectionStatusEvent];
  /** A (re)connection is up; listeners reopen the session. */
  connected: [];
  push: [Push];
  /** The server closed the session stream (SESSION_REPLACED, UNAUTHENTICATED, UNAVAILABLE). */
  sessionEnded: [string];
}

export class ServerConnection extends EventEmitter<ServerConnectionEvents> {
  readonly server: string;
  sessionToken: Uint8Array | undefined;
  private transport: QuicTransport | undefined;
  private sessionStream: DuplexStream | undefined;
  /** The request exchange (call stream, timeouts) of the current transport. */
  private calls: RequestExchange | undefined;
  private status: ConnectionStatus = 'offline';
  private nextRequestId = 1;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private liveness: LivenessWatch | undefined;

  constructor(private readonly options: ServerConnectionOptions) {
    super();
    this.server = formatServerAddress(options.address);
  }

  get state(): ConnectionStatus {
    return this.status;
  }

  /** First connection: throws (NetworkError, PinMismatchError) instead of retrying. */
  async connect(): Promise<void> {
    this.stopped = false;
    await this.establish();
  }

  /**
   * One typed call. A RATE_LIMITED answer means the server did nothing, so the call is repeated after
   * the server's retry-after (a few times); every other error goes to the caller.
   */
  async request<M extends MethodId>(method: M, body: RequestBodyInit<M>): Promise<ResponseBody<M>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.requestOnce(method, body);
      } catch (error) {
        const limited = error instanceof RateLimitError && error.code === WireErrorCode.RateLimited;
        if (!limited || attempt >= RATE_LIMIT_MAX_ATTEMPTS) throw error;
        await sleep(rateLimitWaitMs(error.retryAfterMs));
      }
    }
  }

  private async requestOnce<M extends MethodId>(
    method: M,
    body: RequestBodyInit<M>,
  ): Promise<ResponseBody<M>> {
    const calls = this.calls;
    if (calls === undefined || this.status !== 'online') {
      throw new NetworkError(EngineErrorCode.notConnected, `not connected to ${this.server}`, {
        hint: 'check that qpc-server is running; the client reconnects by itself',
      });
    }
    const requestId = this.takeRequestId();
    const bearerToken = this.options.bearerToken;
    const bearer =
      bearerToken === undefined || !BEARER_METHODS.has(method)
        ? undefined
        : { authVersion: BEARER_AUTH_VERSION, token: new TextEncoder().encode(bearerToken) };
    const payload = encodeCall(method, requestId, body, this.sessionToken, bearer);
    const response = await calls.exchange(requestId, payload);
    this.liveness?.heard();
    if (!response.ok) throw errorFromWire(response.error);
    return decodeResponseBody(method, response.body);
  }

  /**
   * Turns a fresh stream into the session stream (OpenSession) and starts reading pushes from it.
   * Resolves with the OpenSession answer; pushes arrive as `push` events until the stream ends.
   */
  async openSession(): Promise<ResponseBody<typeof Method.OpenSession>> {
    // Refused for rate (a restart that reconnects many clients from one address at once): wait the
    // server's retry-after and ask again, as every other call does.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.openSessionOnce();
      } catch (error) {
        const limited = error instanceof RateLimitError && error.code === WireErrorCode.RateLimited;
        if (!limited || attempt >= RATE_LIMIT_MAX_ATTEMPTS) throw error;
        await sleep(rateLimitWaitMs(error.retryAfterMs));
      }
    }
  }

  private async openSessionOnce(): Promise<ResponseBody<typeof Method.OpenSession>> {
    const transport = this.transport;
    const calls = this.calls;
    if (transport === undefined || calls === undefined)
      throw new NetworkError(EngineErrorCode.notConnected, `not connected to ${this.server}`);
    this.sessionStream?.close();
    const stream = transport.openStream();
    this.sessionStream = stream;
    const writer = stream.writable.getWriter();
    const call = encodeCall(Method.OpenSession, this.takeRequestId(), {}, this.sessionToken);
    await calls.withTimeout(writer.write(encodeFrame(call)));
    // The client writes nothing more on this stream (docs/protocol.md section 1).
    writer.releaseLock();
    const frames = readFrames(stream.readable);
    const first = await calls.withTimeout(frames.next());
    this.liveness?.heard();
    if (first.done === true)
      throw new NetworkError(EngineErrorCode.sessionClosed, 'the server closed the session stream');
    const response = decodeResponse(first.value);
    if (!response.ok) throw errorFromWire(response.error);
    void this.readPushes(frames, stream);
    return decodeResponseBody(Method.OpenSession, response.body);
  }

  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.liveness?.stop();
    this.sessionStream?.close();
    this.calls?.close();
    this.calls = undefined;
    const transport = this.transport;
    this.transport = undefined;
    this.setStatus({ status: 'offline', reason: EngineErrorCode.closed });
    // Closing a connection that already broke can reject; we are dropping it either way.
    await transport?.close().catch(() => undefined);
  }

  private async readPushes(frames: AsyncGenerator<Uint8Array>, stream: DuplexStream): Promise<void> {
    try {
      for await (const frame of frames) {
        this.liveness?.heard();
        const push = decodePush(frame);
        traceHop('client.pushRead');
        if (push.event.case === 'sessionEnded') {
          this.emit('sessionEnded', push.event.value.code);
          break;
        }
        this.emit('push', push);
      }
    } catch {
      // The stream broke with the connection; the reconnect path reopens a session.
    } finally {
      if (this.sessionStream === stream) this.sessionStream = undefined;
    }
  }

  private async establish(): Promise<void> {
    this.setStatus({ status: 'connecting' });
    const { options } = this;
    const factory = options.transportFactory ?? connectQuic;
    let transport: QuicTransport;
    try {
      transport = await factory({
        host: options.address.host,
        port: options.address.port,
        serverName: options.serverName ?? defaultServerName(options.address),
        checkPin: (sha256) => pinDecision(options.pins.get(this.server), sha256, options.signingKeys),
        ...(options.maxIdleTimeoutMs === undefined ? {} : { maxIdleTimeoutMs: options.maxIdleTimeoutMs }),
        ...(options.keepAliveIntervalMs === undefined
          ? {}
          : { keepAliveIntervalMs: options.keepAliveIntervalMs }),
      });
    } catch (error) {
      this.setStatus({
        status: 'offline',
        reason: error instanceof QpcError ? error.code : EngineErrorCode.connectFailed,
      });
      throw error;
    }
    if (this.stopped) {
      // close() ran while we connected: drop the new transport; a failure to close it changes nothing.
      await transport.close().catch(() => undefined);
      throw new NetworkError(EngineErrorCode.closed, 'the connection was closed while connecting');
    }
    // Trust on first use, or a change the server announced (certificateChange.ts); else the pin error.
    try {
      await settleCertificate(transport, {
        ...options.address,
        server: this.server,
        pins: options.pins,
        keys: options.signingKeys,
      });
    } catch (error) {
      this.setStatus({
        status: 'offline',
        reason: error instanceof QpcError ? error.code : EngineErrorCode.connectFailed,
      });
      throw error;
    }
    this.transport = transport;
    this.calls = new RequestExchange(transport, {
      callStreams: options.callStreams !== false,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      server: this.server,
      takeRequestId: () => this.takeRequestId(),
      timedOut: () => this.dropDead(transport, EngineErrorCode.connectionLost),
    });
    this.attempt = 0;
    void transport.closed.then(() => this.onTransportClosed(transport));
    this.watchLiveness(transport);
    this.setStatus({ status: 'online' });
    this.emit('connected');
  }

  private onTransportClosed(transport: QuicTransport, reason: string = EngineErrorCode.connectionLost): void {
    if (this.transport !== transport) return;
    this.transport = undefined;
    this.sessionStream = undefined;
    this.calls?.close();
    this.calls = undefined;
    this.liveness?.stop();
    this.setStatus({ status: 'offline', reason });
    this.scheduleReconnect();
  }

  /** Probes a silent server with Ping; one silent for too long is dropped (then reconnected). */
  private watchLiveness(transport: QuicTransport): void {
    const options = this.options.liveness;
    if (options === undefined) return;
    this.liveness?.stop();
    this.liveness = new LivenessWatch(
      options,
      () => this.requestOnce(Method.Ping, {}),
      () => this.dropDead(transport, EngineErrorCode.serverSilent),
    );
    this.liveness.start();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.options.reconnect === false || this.reconnectTimer !== undefined) return;
    const delay = backoffDelayMs(this.attempt, this.options.backoff ?? DEFAULT_BACKOFF);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.establish().catch((error: unknown) => {
        // A changed certificate will not fix itself: stop and let the user re-pin.
        if (error instanceof PinMismatchError) return;
        // Anything else: the status already says offline with its reason; try again after the back-off.
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  /** The connection is judged dead (silent, or a request timed out): drop it and reconnect. */
  private dropDead(transport: QuicTransport, reason: string): void {
    if (this.transport !== transport) return;
    // Already judged dead and replaced below; a failing close of it changes nothing.
    void transport.close().catch(() => undefined);
    this.onTransportClosed(transport, reason);
  }

  private takeRequestId(): number {
    const id = this.nextRequestId;
    this.nextRequestId = id >= 0xffff_fffe ? 1 : id + 1;
    return id;
  }

  private setStatus(event: ConnectionStatusEvent): void {
    if (event.status === this.status && event.status !== 'offline') return;
    this.status = event.status;
    this.emit('status', event);
  }
}
