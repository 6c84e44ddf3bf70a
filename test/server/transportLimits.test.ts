/**
 * The per-IP shares at the QUIC transport, over real QUIC on loopback with several source addresses
 * (127.0.0.2, .3, ...): one address over its share of connections or streams is refused, another
 * address is served as before.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/lib/clock.js';
import { silentLogger } from '../../src/lib/logger.js';
import { encodeFrame, readOneFrame } from '../../src/protocol/index.js';
import { prepareServerCertificate } from '../../src/server/tls/loadServerCertificate.js';
import type { AdmissionRefusal, PeerLimits } from '../../src/server/transport/peerAdmission.js';
import {
  startQuicListener,
  type QuicListener,
  type StreamHandler,
} from '../../src/server/transport/quicListener.js';
import { connectFrom, type LoopbackPeer } from './loopbackPeer.js';

let dir: string;
let listener: QuicListener | undefined;
let certSha256: string;
const peers: LoopbackPeer[] = [];
const refusals: AdmissionRefusal[] = [];
let gateOpen = false;
let waiting: (() => void)[] = [];
function release(): void {
  gateOpen = true;
  for (const wake of waiting.splice(0)) wake();
}

/** Echoes each request frame once the test opens the gate, so streams can be held in flight. */
const echoHandler: StreamHandler = {
  onStream: async (stream) => {
    const payload = await readOneFrame(stream.readable);
    if (!gateOpen) await new Promise<void>((resolve) => waiting.push(resolve));
    const writer = stream.writable.getWriter();
    await writer.write(encodeFrame(payload));
    await writer.close();
  },
};

async function start(limits: PeerLimits, handler: StreamHandler): Promise<QuicListener> {
  const certificate = await prepareServerCertificate({
    certPath: undefined,
    keyPath: undefined,
    dataDir: dir,
    clock: systemClock,
    logger: silentLogger(),
  });
  certSha256 = certificate.fingerprintSha256;
  listener = await startQuicListener({
    host: '127.0.0.1',
    port: 0,
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    maxIdleTimeoutMs: 10_000,
    handler,
    logger: silentLogger(),
    limits,
    onRefused: (kind) => refusals.push(kind),
  });
  return listener;
}

async function connect(host: string, timeoutMs = 5_000): Promise<LoopbackPeer> {
  const peer = await connectFrom(host, listener?.port ?? 0, certSha256, timeoutMs);
  peers.push(peer);
  return peer;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qpc-transport-'));
  refusals.length = 0;
  gateOpen = false;
  waiting = [];
});

afterEach(async () => {
  release();
  for (const peer of peers.splice(0)) await peer.close().catch(() => undefined);
  await listener?.stop({ force: true });
  listener = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const immediate: StreamHandler = {
  onStream: async (stream) => {
    const payload = await readOneFrame(stream.readable);
    const writer = stream.writable.getWriter();
    await writer.write(encodeFrame(payload));
    await writer.close();
  },
};

describe('per-IP shares at the transport', () => {
  it(
    'drops connections past an address share and still admits other addresses',
    { timeout: 60_000 },
    async () => {
      const server = await start(
        { connectionsPerIp: 2, handshakesPerIp: 2, streamsPerIp: 16, streamsPerConnection: 8 },
        immediate,
      );
      const first = await connect('127.0.0.2');
      await connect('127.0.0.2');
      await expect(connect('127.0.0.2', 1_500)).rejects.toThrow();
      expect(refusals).toContain('connections');
      const other = await connect('127.0.0.3');
      expect(await other.exchange(encodeFrame(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]));
      // Closing one connection gives its slot back.
      await first.close();
      const deadline = Date.now() + 20_000;
      while (server.connectionCount() > 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const again = await connect('127.0.0.2');
      expect(await again.exchange(encodeFrame(new Uint8Array([4])))).toEqual(new Uint8Array([4]));
    },
  );

  it('resets streams past an address share before reading them', { timeout: 60_000 }, async () => {
    await start(
      { connectionsPerIp: 4, handshakesPerIp: 4, streamsPerIp: 2, streamsPerConnection: 8 },
      echoHandler,
    );
    const flooder = await connect('127.0.0.4');
    const held = [1, 2].map((n) => flooder.exchange(encodeFrame(new Uint8Array([n]))));
    // Streams arrive in order, so the two held ones have their slots when the third comes: it is reset.
    const third = await flooder.exchange(encodeFrame(new Uint8Array([3])));
    expect(third).toBe('closed');
    expect(refusals).toContain('streams');
    const honest = await connect('127.0.0.5');
    const served = honest.exchange(encodeFrame(new Uint8Array([9])));
    release();
    expect(await served).toEqual(new Uint8Array([9]));
    expect(await Promise.all(held)).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
  });
});
