/**
 * Call streams over real QUIC against qpc-server in its own process: many calls on one stream, answered
 * by request id; the per-IP request limit still applies call by call; bad frames and misplaced methods
 * get typed answers; and the engine's ServerConnection uses one call stream for all its calls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStream } from '../../src/engine/net/callStream.js';
import type { QuicTransport } from '../../src/engine/net/quicTransport.js';
import { connectQuic } from '../../src/engine/net/quicTransport.js';
import { ServerConnection } from '../../src/engine/net/serverConnection.js';
import {
  decodeResponse,
  decodeResponseBody,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
  type ResponseEnvelope,
} from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { framed } from './rawStreams.js';
import { WireClient } from './wireClient.js';

const PER_IP = 40;
let server: ServerProcess;
let client: WireClient;

beforeAll(async () => {
  server = await startServerProcess(makeDataDir(), ['--rate-limit-per-ip', String(PER_IP)]);
  client = await WireClient.connect(server.port, server.certSha256);
});

afterAll(async () => {
  await client.close();
  await server.kill('SIGTERM');
  removeDataDir(server.dataDir);
});

async function waitForRateWindow(): Promise<void> {
  // The per-IP limit is a one-second sliding window: wait until it has room again rather than a fixed
  // time. One Ping passing only proves one free slot (the flood's entries may be leaving the window one
  // by one), so wait for several in a row: then the burst of an earlier test has left it.
  let passed = 0;
  while (passed < 3) {
    const result = await client.call(Method.Ping, {});
    if (result.ok) {
      passed += 1;
      continue;
    }
    passed = 0;
    await new Promise((resolve) => setTimeout(resolve, result.error.retryAfterMs));
  }
}

interface Opened {
  calls: CallStream<ResponseEnvelope>;
  maxInFlight: number;
  stream: ReturnType<QuicTransport['openStream']>;
}

async function openCallStream(transport: QuicTransport): Promise<Opened> {
  const stream = transport.openStream();
  const frames = readFrames(stream.readable);
  const writer = stream.writable.getWriter();
  await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 1_000_000, {})));
  writer.releaseLock();
  const first = await frames.next();
  if (first.done === true) throw new Error('the server ended the stream');
  const answer = decodeResponse(first.value);
  if (!answer.ok) throw new Error(`OpenCallStream refused: ${answer.error.code}`);
  const { maxInFlight } = decodeResponseBody(Method.OpenCallStream, answer.body);
  const calls = new CallStream(stream, frames, (frame) => {
    const response = decodeResponse(frame);
    return { requestId: response.requestId, value: response };
  });
  return { calls, maxInFlight, stream };
}

describe('call streams', () => {
  it('answers many pipelined calls on one stream, each under its own request id', async () => {
    await waitForRateWindow();
    const { calls, maxInFlight } = await openCallStream(client.transport);
    expect(maxInFlight).toBe(32);
    const ids = Array.from({ length: 20 }, (_, i) => i + 1);
    const answers = await Promise.all(
      ids.map((id) =>
        id % 5 === 0
          ? // A session method without a token: its own typed answer, the others unaffected.
            calls.call(
              id,
              encodeCall(Method.LookupUser, id, { query: { case: 'username', value: 'nobody' } }),
            )
          : calls.call(id, encodeCall(Method.Ping, id, {})),
      ),
    );
    for (const [index, answer] of answers.entries()) {
      expect(answer.requestId).toBe(ids[index]);
      if (ids[index]! % 5 === 0) {
        expect(answer.ok).toBe(false);
        if (!answer.ok) expect(answer.error.code).toBe(WireErrorCode.Unauthenticated);
      } else {
        expect(answer.ok).toBe(true);
      }
    }
    calls.close();
  });

  it('checks the per-IP request limit call by call and says which call it refused', async () => {
    // A server of its own: the flood fills this address's window, which the other tests must not inherit.
    const flooded = await startServerProcess(makeDataDir(), ['--rate-limit-per-ip', String(PER_IP)]);
    const floodClient = await WireClient.connect(flooded.port, flooded.certSha256);
    try {
      await floodTheLimit(floodClient);
    } finally {
      await floodClient.close();
      await flooded.kill('SIGTERM');
      removeDataDir(flooded.dataDir);
    }
  });

  async function floodTheLimit(floodClient: WireClient): Promise<void> {
    const { calls } = await openCallStream(floodClient.transport);
    // 4x the limit: at most 3x is refused, below the 4x of refusals a second that shuts an address out
    // (floodPenalty.ts), so every call gets its own answer instead of a closed connection.
    const count = PER_IP * 4;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) => calls.call(i + 1, encodeCall(Method.Ping, i + 1, {}))),
    );
    const seconds = (performance.now() - started) / 1000;
    const limited = answers.filter((answer) => !answer.ok);
    // A one-second sliding window: however slow the machine, no more than the limit per second started.
    expect(count - limited.length).toBeLessThanOrEqual(PER_IP * (Math.ceil(seconds) + 1));
    expect(limited.length).toBeGreaterThan(0);
    for (const [index, answer] of answers.entries()) {
      expect(answer.requestId).toBe(index + 1);
      if (answer.ok) continue;
      if (!answer.ok) {
        expect(answer.error.code).toBe(WireErrorCode.RateLimited);
        expect(answer.error.retryAfterMs).toBeGreaterThan(0);
      }
    }
    calls.close();
  }

  it('refuses OpenSession and OpenCallStream on a call stream with BAD_REQUEST', async () => {
    await waitForRateWindow();
    const { calls } = await openCallStream(client.transport);
    const session = await calls.call(7, encodeCall(Method.OpenSession, 7, {}, new Uint8Array(32)));
    const nested = await calls.call(8, encodeCall(Method.OpenCallStream, 8, {}));
    for (const answer of [session, nested]) {
      expect(answer.ok).toBe(false);
      // A made-up token is refused first for OpenSession; OpenCallStream needs none.
      if (!answer.ok) {
        expect([WireErrorCode.BadRequest, WireErrorCode.Unauthenticated]).toContain(answer.error.code);
      }
    }
    expect(!nested.ok && nested.error.code).toBe(WireErrorCode.BadRequest);
    expect((await calls.call(9, encodeCall(Method.Ping, 9, {}))).ok).toBe(true);
    calls.close();
  });

  it('answers a payload that is not a Request with BAD_REQUEST and goes on', async () => {
    await waitForRateWindow();
    const stream = client.transport.openStream();
    const frames = readFrames(stream.readable);
    const writer = stream.writable.getWriter();
    await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 1, {})));
    expect(decodeResponse((await frames.next()).value as Uint8Array).ok).toBe(true);
    await writer.write(framed(new Uint8Array([0xff, 0xff, 0xff])));
    await writer.write(encodeFrame(encodeCall(Method.Ping, 3, {})));
    await writer.close();
    const seen: ResponseEnvelope[] = [];
    for await (const frame of frames) seen.push(decodeResponse(frame));
    expect(seen).toHaveLength(2);
    expect(seen.some((answer) => !answer.ok && answer.error.code === WireErrorCode.BadRequest)).toBe(true);
    expect(seen.some((answer) => answer.ok && answer.requestId === 3)).toBe(true);
  });

  it('answers an oversized frame with BAD_REQUEST and ends the stream', async () => {
    await waitForRateWindow();
    const stream = client.transport.openStream();
    const frames = readFrames(stream.readable);
    const writer = stream.writable.getWriter();
    await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 1, {})));
    expect(decodeResponse((await frames.next()).value as Uint8Array).ok).toBe(true);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, 64 * 1024 * 1024);
    await writer.write(header);
    const seen: ResponseEnvelope[] = [];
    // The client does not end its side: the server ends the stream by itself.
    for await (const frame of frames) seen.push(decodeResponse(frame));
    expect(seen).toHaveLength(1);
    expect(seen[0]!.requestId).toBe(0);
    expect(!seen[0]!.ok && seen[0]!.error.code).toBe(WireErrorCode.BadRequest);
  });

  it('ends the stream after answering what is left once the client ends its side', async () => {
    await waitForRateWindow();
    const stream = client.transport.openStream();
    const frames = readFrames(stream.readable);
    const writer = stream.writable.getWriter();
    await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 1, {})));
    await writer.write(encodeFrame(encodeCall(Method.Ping, 2, {})));
    await writer.write(encodeFrame(encodeCall(Method.Ping, 3, {})));
    await writer.close();
    const ids: number[] = [];
    for await (const frame of frames) ids.push(decodeResponse(frame).requestId);
    expect(ids.sort()).toEqual([1, 2, 3]);
  });

  it('carries every call of the engine connection on one call stream', async () => {
    await waitForRateWindow();
    let streamsOpened = 0;
    let perCallStreams = 0;
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: server.port },
      serverName: 'localhost',
      pins: { get: () => server.certSha256, set: () => undefined },
      reconnect: false,
      callStreams: true,
      transportFactory: async (options) => {
        const transport = await connectQuic(options);
        return {
          ...transport,
          serverCertSha256: transport.serverCertSha256,
          closed: transport.closed,
          openStream: () => {
            streamsOpened++;
            return transport.openStream();
          },
          request: (payload) => {
            perCallStreams++;
            return transport.request(payload);
          },
          close: () => transport.close(),
        };
      },
    });
    await connection.connect();
    const answers = await Promise.all(Array.from({ length: 10 }, () => connection.request(Method.Ping, {})));
    expect(answers).toHaveLength(10);
    for (const answer of answers) expect(answer.supportedVersions).toContain(1);
    expect(streamsOpened).toBe(1);
    expect(perCallStreams).toBe(0);
    await connection.close();
  });
});
