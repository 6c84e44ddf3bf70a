import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { QUICServer, events, type QUICConnection, type QUICStream } from '@matrixai/quic';
import Logger, { LogLevel } from '@matrixai/logger';
import type { Logger as PinoLogger } from '../../lib/logger.js';

export const QPC_ALPN = 'qpc/1';

export interface PeerInfo {
  /** Process-local connection number: safe to log, says nothing about the user. */
  connectionId: number;
  remoteHost: string;
  remotePort: number;
}

export interface QuicStreamLike {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  /** Resets both directions; used when a peer sends garbage. */
  abort(): void;
}

export interface StreamHandler {
  onConnection?(peer: PeerInfo): void;
  onConnectionClosed?(peer: PeerInfo): void;
  /** One call per bidirectional stream a client opens; must not throw (errors are its to handle). */
  onStream(stream: QuicStreamLike, peer: PeerInfo): Promise<void>;
}

export interface QuicListenerOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  maxIdleTimeoutMs: number;
  handler: StreamHandler;
  logger: PinoLogger;
}

export interface QuicListener {
  readonly host: string;
  readonly port: number;
  connectionCount(): number;
  /** Stops accepting, closes every connection; `force` resets streams still open. */
  stop(options?: { force?: boolean }): Promise<void>;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** HMAC for QUIC retry/stateless-reset tokens; a fresh key each start is fine since tokens are short-lived. */
function tokenCrypto() {
  const key = randomBytes(32);
  return {
    key: toArrayBuffer(key),
    ops: {
      sign: (k: ArrayBuffer, data: ArrayBuffer) =>
        Promise.resolve(
          toArrayBuffer(createHmac('sha256', Buffer.from(k)).update(Buffer.from(data)).digest()),
        ),
      verify: (k: ArrayBuffer, data: ArrayBuffer, sig: ArrayBuffer) => {
        const mac = createHmac('sha256', Buffer.from(k)).update(Buffer.from(data)).digest();
        return Promise.resolve(mac.length === sig.byteLength && timingSafeEqual(mac, Buffer.from(sig)));
      },
    },
  };
}

function wrapStream(stream: QUICStream): QuicStreamLike {
  return {
    readable: stream.readable,
    writable: stream.writable,
    abort: () => {
      // cancel() resets both directions; a stream that already closed may throw, which is fine.
      stream.cancel(new Error('stream aborted by server'));
    },
  };
}

export async function startQuicListener(options: QuicListenerOptions): Promise<QuicListener> {
  const { handler, logger } = options;
  const quicLogger = new Logger('quic', LogLevel.ERROR);
  const server = new QUICServer({
    crypto: tokenCrypto(),
    config: {
      key: options.keyPem,
      cert: options.certPem,
      verifyPeer: false,
      applicationProtos: [QPC_ALPN],
      maxIdleTimeout: options.maxIdleTimeoutMs,
    },
    logger: quicLogger,
  });
  const connections = new Set<QUICConnection>();
  let nextConnectionId = 1;

  server.addEventListener(events.EventQUICServerError.name, (evt: Event) => {
    const error = (evt as events.EventQUICServerError).detail;
    logger.warn({ event: 'quic_server_error', err: error.name }, 'QUIC server error');
  });

  server.addEventListener(events.EventQUICServerConnection.name, (evt: Event) => {
    const connection = (evt as events.EventQUICServerConnection).detail;
    const peer: PeerInfo = {
      connectionId: nextConnectionId++,
      remoteHost: connection.remoteHost,
      remotePort: connection.remotePort,
    };
    connections.add(connection);
    handler.onConnection?.(peer);
    connection.addEventListener(events.EventQUICConnectionError.name, (errEvt: Event) => {
      const error = (errEvt as events.EventQUICConnectionError).detail;
      logger.debug({ event: 'quic_connection_error', connection: peer.connectionId, err: error.name });
    });
    connection.addEventListener(
      events.EventQUICConnectionStopped.name,
      () => {
        connections.delete(connection);
        handler.onConnectionClosed?.(peer);
      },
      { once: true },
    );
    connection.addEventListener(events.EventQUICConnectionStream.name, (streamEvt: Event) => {
      const stream = (streamEvt as events.EventQUICConnectionStream).detail;
      handler.onStream(wrapStream(stream), peer).catch((error: unknown) => {
        logger.warn({ event: 'stream_handler_failed', err: (error as Error).name }, 'stream handler failed');
        stream.cancel(new Error('internal error'));
      });
    });
  });

  await server.start({ host: options.host, port: options.port });

  return {
    host: server.host,
    port: server.port,
    connectionCount: () => connections.size,
    stop: async ({ force = false } = {}) => {
      await server.stop({ isApp: true, errorCode: 0, force });
    },
  };
}
