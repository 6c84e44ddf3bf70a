/**
 * An opt-in tracer for the path of one message (docs/performance.md): each hop calls traceHop, which is
 * one comparison while no sink is set. A composition root sets a sink (QPC_TRACE), a bench sets its own.
 * Hops carry no content, key or name: only where the message is and when.
 */

/** The hops of a message from A through the server to B, in the order they happen. */
export const TRACE_HOPS = [
  'client.encrypted', // MLS application message made (engine)
  'client.sealed', // hybrid envelope made for one recipient (sealed sender)
  'client.streamOpened', // a QUIC stream opened for a request
  'client.frameWritten', // the request frame written and the stream's write side closed
  'server.read', // the server read the whole request frame
  'server.durable', // the write's group commit returned (fsync done)
  'server.answered', // the response frame written
  'server.pushWritten', // the push frame written to the recipient's session stream
  'client.answered', // the sender read the response
  'client.pushRead', // the recipient decoded a push frame
  'client.unsealed', // the recipient opened the hybrid envelope
  'client.decrypted', // MLS decrypted, before the store transaction
  'client.stored', // the store transaction committed
  'client.event', // messageReceived emitted
] as const;

export type TraceHop = (typeof TRACE_HOPS)[number];

/** Gets each hop with its time in ms on the wall clock's scale (timeOrigin + now: comparable across processes). */
export type TraceSink = (hop: TraceHop, atMs: number) => void;

let sink: TraceSink | undefined;

export function setTraceSink(next: TraceSink | undefined): void {
  sink = next;
}

export function traceHop(hop: TraceHop): void {
  if (sink === undefined) return;
  sink(hop, performance.timeOrigin + performance.now());
}

/** A sink that writes one JSON line per hop to `write` (the process's stderr for QPC_TRACE=1). */
export function jsonLineTraceSink(write: (line: string) => void, pid = process.pid): TraceSink {
  return (hop, atMs) => write(`${JSON.stringify({ trace: hop, at: atMs, pid })}\n`);
}
