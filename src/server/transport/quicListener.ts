import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { QUICServer, events, type QUICConnection, type QUICStream } from '@matrixai/quic';
import Logger, { LogLevel } from '@matrixai/logger';
import type { Logger as PinoLogger } from '../../lib/logger.js';
import { ConnectionCloseCode, rateLimitedCloseReason, type QuicTuning } from '../../protocol/index.js';
import {
  DEFAULT_PEER_LIMITS,
  PeerAdmission,
  type AdmissionRefusal,
  type PeerLimits,
} from './peerAdmission.js';

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

/** A connection's address's share of streams in flight, for work a stream starts after its first call. */
export interface PeerStreamSlots {
  /** Takes one slot of the address's stream share; false when it is used up (the work is refused). */
  take(): boolean;
  /** Gives back a slot take() returned true for. */
  give(): void;
}

export interface StreamHandler {
  onConnection?(peer: PeerInfo): void;
  onConnectionClosed?(peer: PeerInfo): void;
  /**
   * One call per bidirectional stream a client opens; must not throw (errors are its to handle). The
   * stream holds one of its address's stream slots until the promise settles (a session stream kept
   * open for pushes settles once its OpenSession is answered).
   */
  onStream(stream: QuicStreamLike, peer: PeerInfo, slots?: PeerStreamSlots): Promise<void>;
}

export interface QuicListenerOptions {
  host: string;
  port: number;
  certPem: string;
  keyPem: string;
  maxIdleTimeoutMs: number;
  handler: StreamHandler;
  logger: PinoLogger;
  /** Per-IP shares of handshakes, connections and streams (DEFAULT_PEER_LIMITS when absent). */
  limits?: PeerLimits;
  /**
   * Called for every handshake or stream refused for being over a per-IP share (for a metric, and so
   * that refusals at the transport count towards the address's shut-out like refused requests do).
   */
  onRefused?: (kind: AdmissionRefusal, host: string) => void;
  /** Transport settings beyond the defaults (the bench varies them). */
  tuning?: QuicTuning;
}

export interface QuicListener {
  readonly host: string;
  readonly port: number;
  connectionCount(): number;
  /**
   * Shut `host` out for `penaltyMs`: its open connections are closed with ConnectionCloseCode.RateLimited
   * and a `RATE_LIMITED retry_after_ms=` reason, and its handshakes are dropped until the penalty ends.
   */
  shutOut(host: string, penaltyMs: number): void;
  /** New connections get this certificate and key; open connections keep theirs (nothing is dropped). */
  replaceCertificate(certPem: string, keyPem: string): void;
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

/**
 * QUICServer with a per-IP gate on new connections. `validateToken` is the library's hook that runs once
 * per connection attempt after the stateless retry (so the address is proven, not spoofed) and before any
 * TLS work; answering undefined drops the packet, which is the cheapest refusal there is.
 */
class AdmittingQuicServer extends QUICServer {
  admit: (host: string) => boolean = () => true;

  protected override async validateToken(
    tokenBuffer: Buffer,
    peerHost: Parameters<QUICServer['validateToken']>[1],
  ): ReturnType<QUICServer['validateToken']> {
    const dcid = await super.validateToken(tokenBuffer, peerHost);
    if (dcid === undefined) return undefined;
    return this.admit(peerHost) ? dcid : undefined;
  }
}

export async function startQuicListener(options: QuicListenerOptions): Promise<QuicListener> {
  const { handler, logger } = options;
  const limits = options.limits ?? DEFAULT_PEER_LIMITS;
  const admission = new PeerAdmission(limits, { now: () => Date.now(), onRefused: options.onRefused });
  const quicLogger = new Logger('quic', LogLevel.ERROR);
  const server = new AdmittingQuicServer({
    crypto: tokenCrypto(),
    config: {
      ...options.tuning,
      key: options.keyPem,
      cert: options.certPem,
      verifyPeer: false,
      applicationProtos: [QPC_ALPN],
      maxIdleTimeout: options.maxIdleTimeoutMs,
      initialMaxStreamsBidi: limits.streamsPerConnection,
    },
    logger: quicLogger,
  });
  server.admit = (host) => admission.admitHandshake(host);
  /** Open connections and the address each came from (a shut-out closes all of an address's). */
  const connections = new Map<QUICConnection, string>();
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
    connections.set(connection, peer.remoteHost);
    admission.connectionOpened(peer.remoteHost);
    const slots: PeerStreamSlots = {
      take: () => admission.admitStream(peer.remoteHost),
      give: () => admission.streamFinished(peer.remoteHost),
    };
    handler.onConnection?.(peer);
    connection.addEventListener(events.EventQUICConnectionError.name, (errEvt: Event) => {
      const error = (errEvt as events.EventQUICConnectionError).detail;
      logger.debug({ event: 'quic_connection_error', connection: peer.connectionId, err: error.name });
    });
    connection.addEventListener(
      events.EventQUICConnectionStopped.name,
      () => {
        connections.delete(connection);
        admission.connectionClosed(peer.remoteHost);
        handler.onConnectionClosed?.(peer);
      },
      { once: true },
    );
    connection.addEventListener(events.EventQUICConnectionStream.name, (streamEvt: Event) => {
      const stream = (streamEvt as events.EventQUICConnectionStream).detail;
      if (!admission.admitStream(peer.remoteHost)) {
        // Over this address's share of streams in flight: reset before a byte is read or decoded.
        stream.cancel(new Error('too many streams from this address'));
        return;
      }
      handler
        .onStream(wrapStream(stream), peer, slots)
        .catch((error: unknown) => {
          logger.warn(
            { event: 'stream_handler_failed', err: (error as Error).name },
            'stream handler failed',
          );
          stream.cancel(new Error('internal error'));
        })
        .finally(() => admission.streamFinished(peer.remoteHost));
    });
  });

  await server.start({ host: options.host, port: options.port });

  return {
    host: server.host,
    port: server.port,
    connectionCount: () => connections.size,
    shutOut: (host, penaltyMs) => {
      admission.shutOut(host, penaltyMs);
      const reason = rateLimitedCloseReason(penaltyMs);
      let closed = 0;
      for (const [connection, address] of connections) {
        if (address !== host) continue;
        closed += 1;
        connection
          .stop({ isApp: true, errorCode: ConnectionCloseCode.RateLimited, reason, force: true })
          .catch((error: unknown) => {
            // The connection was closing already; it leaves the map through its Stopped event either way.
            logger.debug({ event: 'shut_out_close_failed', err: (error as Error).name });
          });
      }
      // Once per penalty, not per request; the address itself is personal data and stays out of the log.
      logger.warn(
        { event: 'address_shut_out', penaltyMs, connectionsClosed: closed },
        'flooding address shut out',
      );
    },
    replaceCertificate: (certPem, keyPem) => server.updateConfig({ cert: certPem, key: keyPem }),
    stop: async ({ force = false } = {}) => {
      await server.stop({ isApp: true, errorCode: 0, force });
    },
  };
}
