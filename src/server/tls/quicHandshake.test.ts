import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Logger, { LogLevel } from '@matrixai/logger';
import { QUICClient, QUICServer, events } from '@matrixai/quic';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../lib/clock.js';
import { silentLogger } from '../../lib/logger.js';
import { prepareServerCertificate } from './loadServerCertificate.js';

// Checks the generated certificate against the real QUIC stack (BoringSSL): the client validates the
// chain with the certificate itself as CA, which needs CA:TRUE and keyCertSign, or the handshake fails.
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-quic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hmacKey = randomBytes(32);
const serverCrypto = {
  key: hmacKey.buffer.slice(hmacKey.byteOffset, hmacKey.byteOffset + 32),
  ops: {
    sign: (key: ArrayBuffer, data: ArrayBuffer) =>
      Promise.resolve(
        new Uint8Array(createHmac('sha256', Buffer.from(key)).update(Buffer.from(data)).digest()).buffer,
      ),
    verify: (key: ArrayBuffer, data: ArrayBuffer, sig: ArrayBuffer) => {
      const expected = createHmac('sha256', Buffer.from(key)).update(Buffer.from(data)).digest();
      const given = Buffer.from(sig);
      return Promise.resolve(given.length === expected.length && timingSafeEqual(given, expected));
    },
  },
};
const clientCrypto = {
  ops: {
    randomBytes: (data: ArrayBuffer) => {
      new Uint8Array(data).set(randomBytes(data.byteLength));
      return Promise.resolve();
    },
  },
};

const quietLogger = () => new Logger('quic', LogLevel.SILENT);

describe('development certificate over QUIC', () => {
  it('completes a TLS 1.3 handshake with a client that trusts the certificate as its CA', async () => {
    const certificate = await prepareServerCertificate({
      certPath: undefined,
      keyPath: undefined,
      dataDir: dir,
      clock: systemClock,
      logger: silentLogger(),
    });
    const server = new QUICServer({
      crypto: serverCrypto,
      config: { key: certificate.keyPem, cert: certificate.certPem, verifyPeer: false, maxIdleTimeout: 5000 },
      logger: quietLogger(),
    });
    const connected = new Promise<void>((resolve) =>
      server.addEventListener(events.EventQUICServerConnection.name, () => resolve(), { once: true }),
    );
    await server.start({ host: '127.0.0.1', port: 0 });
    try {
      const client = await QUICClient.createQUICClient({
        host: '127.0.0.1',
        port: server.port,
        serverName: 'localhost',
        crypto: clientCrypto,
        config: { verifyPeer: true, ca: certificate.certPem, maxIdleTimeout: 5000 },
        logger: quietLogger(),
      });
      await connected;
      expect(client.connection.remotePort).toBe(server.port);
      await client.destroy({ force: true });
    } finally {
      await server.stop({ force: true });
    }
  });

  it('is refused by a client that trusts a different certificate', async () => {
    const served = await prepareServerCertificate({
      certPath: undefined,
      keyPath: undefined,
      dataDir: join(dir, 'served'),
      clock: systemClock,
      logger: silentLogger(),
    });
    const trusted = await prepareServerCertificate({
      certPath: undefined,
      keyPath: undefined,
      dataDir: join(dir, 'trusted'),
      clock: systemClock,
      logger: silentLogger(),
    });
    const server = new QUICServer({
      crypto: serverCrypto,
      config: { key: served.keyPem, cert: served.certPem, verifyPeer: false, maxIdleTimeout: 2000 },
      logger: quietLogger(),
    });
    await server.start({ host: '127.0.0.1', port: 0 });
    try {
      await expect(
        QUICClient.createQUICClient({
          host: '127.0.0.1',
          port: server.port,
          serverName: 'localhost',
          crypto: clientCrypto,
          config: { verifyPeer: true, ca: trusted.certPem, maxIdleTimeout: 2000 },
          logger: quietLogger(),
        }),
      ).rejects.toBeDefined();
    } finally {
      await server.stop({ force: true });
    }
  });
});
