/**
 * A QuicTransport whose request() rides one call stream (docs/protocol.md, "Call streams") instead of a
 * new stream per request, for the load generator: the request's own id matches the answer, and the raw
 * answer frame goes back to the caller (WireClient decodes it as it would from a stream of its own).
 */
import { CallStream } from '../src/engine/net/callStream.js';
import type { QuicTransport } from '../src/engine/net/quicTransport.js';
import {
  decodeRequest,
  decodeResponse,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
} from '../src/protocol/index.js';

/** Opens the call stream on `transport` (one round trip) and returns a transport that uses it. */
export async function overCallStream(transport: QuicTransport): Promise<QuicTransport> {
  const stream = transport.openStream();
  const frames = readFrames(stream.readable);
  const writer = stream.writable.getWriter();
  // Request id 0 is never used by WireClient, whose ids start at 1.
  await writer.write(encodeFrame(encodeCall(Method.OpenCallStream, 0, {})));
  writer.releaseLock();
  const first = await frames.next();
  if (first.done === true)
    throw new Error('the server ended the call stream before answering OpenCallStream');
  const opened = decodeResponse(first.value);
  if (!opened.ok) throw new Error(`OpenCallStream refused: ${opened.error.code}`);
  const calls = new CallStream(stream, frames, (frame) => ({
    requestId: decodeResponse(frame).requestId,
    value: frame,
  }));
  return {
    serverCertSha256: transport.serverCertSha256,
    closed: transport.closed,
    openStream: () => transport.openStream(),
    request: (payload) => calls.call(decodeRequest(payload).requestId, payload),
    close: () => {
      calls.close();
      return transport.close();
    },
  };
}
