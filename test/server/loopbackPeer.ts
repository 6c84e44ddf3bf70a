/**
 * A raw QUIC client bound to a chosen loopback source address (127.0.0.2, 127.0.0.3, ...), so that tests
 * and the bench can play several IPs against one server on this machine. Frames go out as given.
 */
import { createHash, randomFillSync } from 'node:crypto';
import Logger, { LogLevel } from '@matrixai/logger';
import { QUICClient, events, native } from '@matrixai/quic';
import { readOneFrame } from '../../src/protocol/index.js';

export interface LoopbackPeer {
  /** Send `bytes` (already framed, or deliberately broken) on a new stream; the answer frame or 'closed'. */
  exchange(bytes: Uint8Array): Promise<Uint8Array | 'closed'>;
  close(): Promise<void>;
  /** How the server closed the connection (QUIC application code and reason), once it has. */
  closedWith(): { errorCode: number; reason: Uint8Array } | undefined;
}

export async function connectFrom(
  localHost: string,
  port: number,
  certSha256: string,
  connectTimeoutMs = 5_000,
): Promise<LoopbackPeer> {
  const client = await QUICClient.createQUICClient(
    {
      host: '127.0.0.1',
      port,
      localHost,
      serverName: 'localhost',
      crypto: {
        ops: {
          randomBytes: (data: ArrayBuffer) => {
            randomFillSync(new Uint8Array(data));
            return Promise.resolve();
          },
        },
      },
      config: {
        verifyPeer: true,
        applicationProtos: ['qpc/1'],
        maxIdleTimeout: 10_000,
        // An idle peer (a flooder waiting for its turn) keeps its connection.
        keepAliveIntervalTime: 2_000,
        verifyCallback: (certs: Uint8Array[]) => {
          const leaf = certs[0];
          const sha = leaf === undefined ? '' : createHash('sha256').update(leaf).digest('hex');
          return Promise.resolve(sha === certSha256 ? undefined : native.CryptoError.BadCertificate);
        },
      },
      logger: new Logger('quic', LogLevel.SILENT),
    },
    { timer: connectTimeoutMs },
  );
  let closedWith: { errorCode: number; reason: Uint8Array } | undefined;
  client.addEventListener(events.EventQUICClientError.name, (evt: Event) => {
    const data = ((evt as events.EventQUICClientError).detail as { data?: unknown }).data as
      { errorCode?: number; reason?: Uint8Array } | undefined;
    if (data?.errorCode !== undefined)
      closedWith = { errorCode: data.errorCode, reason: data.reason ?? new Uint8Array() };
  });
  return {
    exchange: async (bytes) => {
      try {
        const stream = client.connection.newStream('bidi');
        const writer = stream.writable.getWriter();
        try {
          await writer.write(bytes);
          await writer.close();
        } catch {
          // The server may refuse the stream before reading it: the answer (if any) is still read below.
        }
        return await readOneFrame(stream.readable);
      } catch {
        return 'closed';
      }
    },
    close: () => client.destroy({ isApp: true, errorCode: 0, force: true }),
    closedWith: () => closedWith,
  };
}
