/**
 * The per-account session cap as a setting (sessions_per_account), over real QUIC against qpc-server in
 * its own process: a login past the cap ends the oldest session, and that session's stream hears
 * SessionEnded{UNAUTHENTICATED} and is closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodePush,
  decodeResponse,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
} from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, registerAccount, WireClient } from './wireClient.js';

let server: ServerProcess;
const clients: WireClient[] = [];

beforeAll(async () => {
  server = await startServerProcess(makeDataDir(), ['--sessions-per-account', '2']);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await server.kill('SIGTERM');
  removeDataDir(server.dataDir);
});

describe('sessions_per_account', () => {
  it('ends the oldest session past the cap and closes its session stream', async () => {
    const first = await WireClient.connect(server.port, server.certSha256);
    clients.push(first);
    await registerAccount(first, 'capped', 'a long password');
    await logIn(first, 'capped', 'a long password');
    const stream = first.transport.openStream();
    const writer = stream.writable.getWriter();
    await writer.write(encodeFrame(encodeCall(Method.OpenSession, 1, {}, first.token)));
    const frames = readFrames(stream.readable);
    const answer = await frames.next();
    expect(answer.done !== true && decodeResponse(answer.value).ok).toBe(true);

    // A second login stays within the cap of 2: the first session lives on.
    const second = await WireClient.connect(server.port, server.certSha256);
    clients.push(second);
    await logIn(second, 'capped', 'a long password');
    expect((await first.call(Method.CountKeyPackages, { cipherSuite: 1 })).ok).toBe(true);

    // The third ends the oldest (the first), whose stream hears why and then ends.
    const third = await WireClient.connect(server.port, server.certSha256);
    clients.push(third);
    await logIn(third, 'capped', 'a long password');
    const ended = await frames.next();
    expect(ended.done).toBe(false);
    const push = decodePush(ended.value as Uint8Array);
    expect(push.event.case === 'sessionEnded' && push.event.value.code).toBe(WireErrorCode.Unauthenticated);
    expect((await frames.next()).done).toBe(true);
    const refused = await first.call(Method.CountKeyPackages, { cipherSuite: 1 });
    expect(!refused.ok && refused.error.code).toBe(WireErrorCode.Unauthenticated);
    expect((await third.call(Method.CountKeyPackages, { cipherSuite: 1 })).ok).toBe(true);
  });
});
