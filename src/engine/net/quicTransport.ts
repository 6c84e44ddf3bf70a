import { createHash, randomFillSync } from 'node:crypto';
import { QUICClient, events, native } from '@matrixai/quic';
import Logger, { LogLevel } from '@matrixai/logger';
import { CryptoError, NetworkError, QpcError } from '../../lib/errors.js';
import { toHex } from '../../lib/bytes.js';
import { readOneFrame, writeFrame } from '../../protocol/frameStream.js';
import { EngineErrorCode } from '../engineErrors.js';
import { traceHop } from '../../lib/trace.js';
import type { QuicTuning } from '../../protocol/transportTuning.js';

export const QPC_ALPN = 'qpc/1';

/** What the client decides about the certificate a server shows (trust on first use). */
export type PinDecision = 'accept' | 'reject';

export interface QuicTransportOptions {
  host: string;
  port: number;
  /** A DNS name in the server's certificate (the TLS name check needs one); "localhost" for development servers. */
  serverName: string;
  /** Given the SHA-256 (hex) of the server's leaf certificate; decides whether to go on. */
  checkPin: (certSha256Hex: string) => PinDecision;
  connectTimeoutMs?: number;
  /** Without an idle timeout (QUIC's default is 0) a client retries a dead server forever. */
  maxIdleTimeoutMs?: number;
  /** Keep-alive PINGs keep an idle session alive; must be well under maxIdleTimeoutMs. */
  keepAliveIntervalMs?: number;
  /** Transport settings beyond the defaults (flow-control windows, stream counts); the bench varies them. */
  tuning?: QuicTuning;
}

export interface DuplexStream {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
  close(): void;
}

export interface QuicTransport {
  /** SHA-256 (hex) of the certificate the server presented. */
  readonly serverCertSha256: string;
  /** One request frame out, one response frame back, on a fresh bidirectional stream. */
  request(payload: Uint8Array): Promise<Uint8Array>;
  /** A bidirectional stream kept open by the caller (the session stream for pushes). */
  openStream(): DuplexStream;
  /** Resolves when the connection is gone, for any reason. */
  readonly closed: Promise<void>;
  close(): Promise<void>;
}

export class PinMismatchError extends CryptoError {}

/** The server shows another certificate than the pinned one, and no signed announcement leads to it. */
export function pinMismatchError(host: string, port: number, presentedSha256: string): PinMismatchError {
  return new PinMismatchError(
    EngineErrorCode.serverCertChanged,
    `the certificate of ${host}:${port} does not match the pinned one (now ${presentedSha256.slice(0, 16)}…)`,
    {
      hint: 'if the server operator rotated the certificate on purpose, run `qpc server repin` and connect again',
    },
  );
}

/**
 * Plain transport defaults, for connections that only make calls (tests, tools). The engine's session
 * connection sets its own, much shorter ones (engineConnection.ts) so a dead server shows in seconds.
 */
export const DEFAULT_MAX_IDLE_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 10_000;

export async function connectQuic(options: QuicTransportOptions): Promise<QuicTransport> {
  let presentedSha256 = '';
  let pinRejected = false;
  const logger = new Logger('quic', LogLevel.SILENT);
  let client: QUICClient;
  try {
    client = await QUICClient.createQUICClient(
      {
        host: options.host,
        port: options.port,
        serverName: options.serverName,
        crypto: {
          ops: {
            randomBytes: (data: ArrayBuffer) => {
              randomFillSync(new Uint8Array(data));
              return Promise.resolve();
            },
          },
        },
        config: {
          ...options.tuning,
          verifyPeer: true,
          applicationProtos: [QPC_ALPN],
          maxIdleTimeout: options.maxIdleTimeoutMs ?? DEFAULT_MAX_IDLE_TIMEOUT_MS,
          keepAliveIntervalTime: options.keepAliveIntervalMs ?? DEFAULT_KEEP_ALIVE_INTERVAL_MS,
          verifyCallback: (certs: Uint8Array[]) => {
            const leaf = certs[0];
            if (!leaf) return Promise.resolve(native.CryptoError.BadCertificate);
            presentedSha256 = toHex(createHash('sha256').update(leaf).digest());
            if (options.checkPin(presentedSha256) === 'accept') return Promise.resolve(undefined);
            pinRejected = true;
            return Promise.resolve(native.CryptoError.BadCertificate);
          },
        },
        logger,
      },
      { timer: options.connectTimeoutMs ?? 5_000 },
    );
  } catch (error) {
    if (pinRejected) throw pinMismatchError(options.host, options.port, presentedSha256);
    throw new NetworkError(
      EngineErrorCode.serverUnreachable,
      `cannot reach ${options.host}:${options.port}`,
      {
        hint: 'check that qpc-server is running and the address is right',
        cause: error,
      },
    );
  }

  const closed = new Promise<void>((resolve) => {
    client.connection.addEventListener(events.EventQUICConnectionStopped.name, () => resolve(), {
      once: true,
    });
    client.addEventListener(events.EventQUICClientDestroyed.name, () => resolve(), { once: true });
  });
  // Errors are surfaced through request() rejections; without a listener the library logs them.
  client.addEventListener(events.EventQUICClientError.name, () => undefined);

  const openStream = (): DuplexStream => {
    const stream = client.connection.newStream('bidi');
    return {
      readable: stream.readable,
      writable: stream.writable,
      close: () => {
        stream.cancel(new Error('closed by client'));
      },
    };
  };

  return {
    serverCertSha256: presentedSha256,
    closed,
    openStream,
    request: async (payload) => {
      try {
        const stream = client.connection.newStream('bidi');
        traceHop('client.streamOpened');
        const writer = stream.writable.getWriter();
        await writeFrame(writer, payload);
        await writer.close();
        traceHop('client.frameWritten');
        const answer = await readOneFrame(stream.readable);
        traceHop('client.answered');
        return answer;
      } catch (error) {
        if (error instanceof QpcError) throw error;
        throw new NetworkError(
          EngineErrorCode.connectionLost,
          'the connection to the server broke during a request',
          {
            hint: 'the client reconnects by itself; try again',
            cause: error,
          },
        );
      }
    },
    close: async () => {
      await client.destroy({ isApp: true, errorCode: 0, force: true });
    },
  };
}
