/**
 * The flooding address of `npm run bench hostile`, in a process of its own so that its QUIC work does not
 * slow the honest client being measured. Arguments: port certSha256 requestsPerSecond connections seconds.
 *
 * Open loop, like an attacker: each connection sends its share of the asked rate on new streams without
 * waiting for answers (at most MAX_OUTSTANDING unanswered per connection, the server's stream credit).
 * When the server closes a connection (a shut-out), it reconnects as soon as a handshake passes.
 * Prints `ready`, then one JSON line with what it sent and what came back.
 */
import { decodeResponse, encodeCall, encodeFrame, Method, parseCloseReason } from '../src/protocol/index.js';
import { connectFrom, type LoopbackPeer } from '../test/server/loopbackPeer.js';

/**
 * Unanswered requests per connection. The server grants 32 streams at once per connection, but gives
 * credit back only once a stream is closed on both sides; opening past the credit fails on the client.
 */
const MAX_OUTSTANDING = 16;
/** A reconnect that gets no handshake within this is counted as refused and tried again. */
const RECONNECT_TIMEOUT_MS = 1_000;

const [port, certSha256, rate, connections, seconds] = process.argv.slice(2);
const connect = (timeoutMs?: number): Promise<LoopbackPeer> =>
  connectFrom('127.0.0.2', Number(port), certSha256 ?? '', timeoutMs);
const flooders = await Promise.all(Array.from({ length: Number(connections) }, () => connect()));
const ping = encodeFrame(encodeCall(Method.Ping, 2, {}));
const perConnectionPerMs = Number(rate) / flooders.length / 1000;
const deadline = performance.now() + Number(seconds) * 1000;
const counts = {
  sent: 0,
  served: 0,
  limited: 0,
  reset: 0,
  /** Sends due while MAX_OUTSTANDING were unanswered: asked of the flooder, never offered. */
  notOffered: 0,
  /** Connections the server closed with a typed reason, and the codes it gave. */
  closedByServer: 0,
  closeReasons: [] as string[],
  handshakesRefused: 0,
};
const started = performance.now();
process.stdout.write('ready\n');

async function flood(first: LoopbackPeer): Promise<LoopbackPeer | undefined> {
  let flooder: LoopbackPeer | undefined = first;
  let outstanding = 0;
  let due = 0;
  let lastTick = performance.now();
  while (performance.now() < deadline) {
    const closed = flooder.closedWith();
    if (closed !== undefined) {
      counts.closedByServer += 1;
      const reason = parseCloseReason(closed.reason);
      if (counts.closeReasons.length < 5) counts.closeReasons.push(`${closed.errorCode}:${reason?.code}`);
      await flooder.close().catch(() => undefined); // gone already on the server's side
      flooder = await reconnect();
      if (flooder === undefined) return undefined; // shut out until the end
      outstanding = 0;
      lastTick = performance.now();
      continue;
    }
    const now = performance.now();
    due += (now - lastTick) * perConnectionPerMs;
    lastTick = now;
    while (due >= 1) {
      due -= 1;
      if (outstanding >= MAX_OUTSTANDING) {
        counts.notOffered += 1;
        continue;
      }
      outstanding += 1;
      counts.sent += 1;
      void flooder.exchange(ping).then((answer) => {
        outstanding -= 1;
        if (answer === 'closed') counts.reset += 1;
        else if (decodeResponse(answer).ok) counts.served += 1;
        else counts.limited += 1;
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return flooder;
}

async function reconnect(): Promise<LoopbackPeer | undefined> {
  while (performance.now() < deadline) {
    try {
      return await connect(RECONNECT_TIMEOUT_MS);
    } catch {
      // Dropped handshake (the address is shut out) or a timeout under load: try again until the end.
      counts.handshakesRefused += 1;
    }
  }
  return undefined;
}

const last = await Promise.all(flooders.map(flood));
// Measured before closing: a close under load takes a while and sends nothing.
const elapsed = (performance.now() - started) / 1000;
for (const flooder of last) await flooder?.close().catch(() => undefined);
process.stdout.write(`${JSON.stringify({ ...counts, seconds: elapsed })}\n`);
