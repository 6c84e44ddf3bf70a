/**
 * With QPC_TRACE=1, qpc-server traces server.read and server.answered for every call on a call stream,
 * as for a call on a stream of its own (docs/performance.md, "Tracing one message").
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CallStream } from '../../src/engine/net/callStream.js';
import {
  decodeResponse,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  type ResponseEnvelope,
} from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { WireClient } from './wireClient.js';

let server: ServerProcess;
let client: WireClient;
let trace = '';

beforeAll(async () => {
  server = await startServerProcess(makeDataDir(), [], { QPC_TRACE: '1' });
  server.child.stderr?.on('data', (chunk: Buffer) => (trace += chunk.toString()));
  client = await WireClient.connect(server.port, server.certSha256);
});

afterAll(async () => {
  await client.close();
  await server.kill('SIGTERM');
  removeDataDir(server.dataDir);
});

function hops(name: string): number {
  return trace.split('\n').filter((line) => line.startsWith(`{"trace":"${name}"`)).length;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

it('traces every call on a call stream, not only the OpenCallStream that opened it', async () => {
  const stream = client.transport.openStream();
  const frames = readFrames(stream.readable);
  const writer = stream.writable.getWriter();
  await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 1_000_000, {})));
  writer.releaseLock();
  const first = await frames.next();
  expect(first.done).toBe(false);
  if (first.done === true) return;
  expect(decodeResponse(first.value).ok).toBe(true);
  // The OpenCallStream itself went through the stream handler, traced once each.
  await until(() => hops('server.answered') >= 1);
  const [readBefore, answeredBefore] = [hops('server.read'), hops('server.answered')];
  const calls = new CallStream<ResponseEnvelope>(stream, frames, (frame) => {
    const response = decodeResponse(frame);
    return { requestId: response.requestId, value: response };
  });
  const ids = [1, 2, 3];
  const answers = await Promise.all(ids.map((id) => calls.call(id, encodeCall(Method.Ping, id, {}))));
  expect(answers.every((answer) => answer.ok)).toBe(true);
  await until(() => hops('server.answered') >= answeredBefore + ids.length);
  expect(hops('server.read')).toBe(readBefore + ids.length);
  expect(hops('server.answered')).toBe(answeredBefore + ids.length);
  calls.close();
});
