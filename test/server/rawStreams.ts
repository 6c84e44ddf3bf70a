import { decodeResponse, readOneFrame, type ResponseEnvelope } from '../../src/protocol/index.js';
import type { WireClient } from './wireClient.js';

/**
 * Write raw bytes on a fresh stream, end it, and read what comes back: a decoded Response, or 'closed'
 * when the server reset or ended the stream without one.
 */
export async function rawExchange(
  client: WireClient,
  bytes: Uint8Array,
): Promise<ResponseEnvelope | 'closed'> {
  const stream = client.transport.openStream();
  const writer = stream.writable.getWriter();
  try {
    await writer.write(bytes);
    await writer.close();
  } catch {
    // The server may reset the stream before we finish writing: that is one of the allowed outcomes.
  }
  try {
    return decodeResponse(await readOneFrame(stream.readable));
  } catch {
    return 'closed';
  }
}

export function framed(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length);
  out.set(payload, 4);
  return out;
}
