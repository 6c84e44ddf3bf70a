import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../lib/errors.js';
import {
  encodeOkResponse,
  decodeRequest,
  encodeErrorResponse,
  encodeFrame,
  Method,
  WireErrorCode,
} from '../../protocol/index.js';
import { PinMismatchError, type QuicTransport, type QuicTransportOptions } from './quicTransport.js';
import { RATE_LIMIT_MAX_ATTEMPTS, ServerConnection, type ConnectionStatusEvent } from './serverConnection.js';

/** A transport whose connection we can break, answering Ping like a server would. */
function fakeTransport(certSha256: string) {
  let breakIt: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (breakIt = resolve));
  const transport: QuicTransport = {
    serverCertSha256: certSha256,
    closed,
    openStream: () => {
      throw new Error('not used');
    },
    request: (payload) => {
      const request = decodeRequest(payload);
      if (request.method === Method.Ping) {
        return Promise.resolve(encodeOkResponse(Method.Ping, request.requestId, { serverTimeMs: 5n }));
      }
      return Promise.resolve(
        encodeErrorResponse(request.requestId, WireErrorCode.Unauthenticated, 'no token'),
      );
    },
    close: () => {
      breakIt();
      return Promise.resolve();
    },
  };
  return { transport, breakIt: () => breakIt() };
}

function pinMap() {
  const pins = new Map<string, string>();
  return {
    pins,
    store: { get: (s: string) => pins.get(s), set: (s: string, h: string) => void pins.set(s, h) },
  };
}

describe('ServerConnection', () => {
  it('pins the first certificate, answers typed calls and maps wire errors', async () => {
    const { pins, store } = pinMap();
    const fake = fakeTransport('aa');
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: store,
      reconnect: false,
      transportFactory: (options: QuicTransportOptions) => {
        expect(options.serverName).toBe('localhost');
        expect(options.checkPin('aa')).toBe('accept');
        return Promise.resolve(fake.transport);
      },
    });
    await connection.connect();
    expect(pins.get('127.0.0.1:9')).toBe('aa');
    expect((await connection.request(Method.Ping, {})).serverTimeMs).toBe(5n);
    await expect(connection.request(Method.Logout, {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await connection.close();
    await expect(connection.request(Method.Ping, {})).rejects.toBeInstanceOf(NetworkError);
  });

  it('rejects a certificate that differs from the pin', async () => {
    const { store } = pinMap();
    store.set('127.0.0.1:9', 'aa');
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: store,
      transportFactory: (options) => {
        expect(options.checkPin('bb')).toBe('reject');
        return Promise.reject(new PinMismatchError('SERVER_CERT_CHANGED', 'changed'));
      },
    });
    await expect(connection.connect()).rejects.toBeInstanceOf(PinMismatchError);
    expect(connection.state).toBe('offline');
  });

  it('reconnects with backoff after the connection breaks, and says so', async () => {
    const { store } = pinMap();
    const transports = [fakeTransport('aa'), fakeTransport('aa')];
    let made = 0;
    let failNext = true;
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: store,
      backoff: { initialDelayMs: 5, maxDelayMs: 20, random: () => 0.5 },
      transportFactory: () => {
        if (made === 1 && failNext) {
          // The first retry finds the server still down.
          failNext = false;
          return Promise.reject(new NetworkError('SERVER_UNREACHABLE', 'down'));
        }
        const next = transports[made];
        made += 1;
        return next === undefined ? Promise.reject(new Error('no more')) : Promise.resolve(next.transport);
      },
    });
    const statuses: ConnectionStatusEvent['status'][] = [];
    connection.on('status', (event) => statuses.push(event.status));
    let connected = 0;
    const reconnected = new Promise<void>((resolve) =>
      connection.on('connected', () => {
        connected += 1;
        if (connected === 2) resolve();
      }),
    );
    await connection.connect();
    transports[0]?.breakIt();
    await reconnected;
    expect(connection.state).toBe('online');
    expect(statuses).toEqual([
      'connecting',
      'online',
      'offline',
      'connecting',
      'offline',
      'connecting',
      'online',
    ]);
    await connection.close();
  });

  it('repeats a rate-limited call after the retry-after, then gives up', async () => {
    const { store } = pinMap();
    let calls = 0;
    let limitedAnswers = 2;
    const fake = fakeTransport('aa');
    fake.transport.request = (payload) => {
      const request = decodeRequest(payload);
      calls += 1;
      if (limitedAnswers > 0) {
        limitedAnswers -= 1;
        return Promise.resolve(
          encodeErrorResponse(request.requestId, WireErrorCode.RateLimited, 'slow down', 5),
        );
      }
      return Promise.resolve(encodeOkResponse(Method.Ping, request.requestId, { serverTimeMs: 7n }));
    };
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: store,
      reconnect: false,
      transportFactory: () => Promise.resolve(fake.transport),
    });
    await connection.connect();
    expect((await connection.request(Method.Ping, {})).serverTimeMs).toBe(7n);
    expect(calls).toBe(3);
    limitedAnswers = 100;
    await expect(connection.request(Method.Ping, {})).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(calls).toBe(3 + RATE_LIMIT_MAX_ATTEMPTS);
    await connection.close();
  });
});

describe('ServerConnection bearer token', () => {
  it('sends the bearer token with the admission methods only', async () => {
    const seen: { method: number; bearer: string | undefined }[] = [];
    const fake = fakeTransport('aa');
    const request = fake.transport.request;
    fake.transport.request = (payload) => {
      const decoded = decodeRequest(payload);
      seen.push({
        method: decoded.method,
        bearer:
          decoded.bearer === undefined
            ? undefined
            : `${decoded.bearer.authVersion}:${new TextDecoder().decode(decoded.bearer.token)}`,
      });
      return request(payload);
    };
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: pinMap().store,
      reconnect: false,
      bearerToken: 'shared-token-0123456789',
      transportFactory: () => Promise.resolve(fake.transport),
    });
    await connection.connect();
    await connection.request(Method.Ping, {});
    await connection
      .request(Method.LoginStart, { username: 'alice', startLoginRequest: 'x' })
      .catch(() => undefined);
    await connection.request(Method.CountKeyPackages, {}).catch(() => undefined);
    expect(seen.filter((call) => call.method !== Method.Ping || call.bearer !== undefined)).toEqual([
      { method: Method.LoginStart, bearer: '1:shared-token-0123456789' },
      { method: Method.CountKeyPackages, bearer: undefined },
    ]);
    await connection.close();
  });
});

describe('ServerConnection call streams', () => {
  it('opens a stream per call, and asks only once, when the server does not know OpenCallStream', async () => {
    const { store } = pinMap();
    const fake = fakeTransport('aa');
    let streamsOpened = 0;
    const oldServer: QuicTransport = {
      ...fake.transport,
      // An older server: it reads the one frame, answers UNKNOWN_METHOD and ends the stream.
      openStream: () => {
        streamsOpened++;
        let answer!: ReadableStreamDefaultController<Uint8Array>;
        const readable = new ReadableStream<Uint8Array>({ start: (controller) => (answer = controller) });
        const writable = new WritableStream<Uint8Array>({
          write: (chunk) => {
            const request = decodeRequest(chunk.subarray(4));
            answer.enqueue(
              encodeFrame(encodeErrorResponse(request.requestId, WireErrorCode.UnknownMethod, 'unknown')),
            );
            answer.close();
          },
        });
        return { readable, writable, close: () => undefined };
      },
    };
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: store,
      reconnect: false,
      callStreams: true,
      transportFactory: () => Promise.resolve(oldServer),
    });
    await connection.connect();
    for (let i = 0; i < 3; i++) {
      expect((await connection.request(Method.Ping, {})).serverTimeMs).toBe(5n);
    }
    expect(streamsOpened).toBe(1);
    await connection.close();
  });

  it('does not carry an OpenCallStream stalled on a dead connection over to the next connection', async () => {
    const { store } = pinMap();
    const stalled = fakeTransport('aa');
    // A server that went silent: the call stream's open is written and never answered, and the
    // stream stays pending even after the connection is dropped.
    stalled.transport.openStream = () => ({
      readable: new ReadableStream<Uint8Array>(),
      writable: new WritableStream<Uint8Array>(),
      close: () => undefined,
    });
    const healthy = fakeTransport('aa');
    const transports = [stalled.transport, healthy.transport];
    const connection = new ServerConnection({
      address: { host: '127.0.0.1', port: 9 },
      pins: store,
      requestTimeoutMs: 300,
      backoff: { initialDelayMs: 5, maxDelayMs: 20, random: () => 0.5 },
      transportFactory: () => {
        const next = transports.shift();
        return next === undefined ? Promise.reject(new Error('no more')) : Promise.resolve(next);
      },
    });
    const reconnected = new Promise<void>((resolve) => {
      let connected = 0;
      connection.on('connected', () => {
        connected += 1;
        if (connected === 2) resolve();
      });
    });
    await connection.connect();
    await expect(connection.request(Method.Ping, {})).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    await reconnected;
    // The new connection has no call stream either (its openStream throws): a stream per call answers.
    expect((await connection.request(Method.Ping, {})).serverTimeMs).toBe(5n);
    await connection.close();
  });
});
