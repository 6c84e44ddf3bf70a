/**
 * The flooding address of `npm run bench hostile`, in a process of its own so that its QUIC work does not
 * slow the honest client being measured. Arguments: port certSha256 requestsPerSecond connections seconds.
 * Prints one JSON line with what it sent and what came back.
 */
import { decodeResponse, encodeCall, encodeFrame, Method } from '../src/protocol/index.js';
import { connectFrom } from '../test/server/loopbackPeer.js';

const [port, certSha256, rate, connections, seconds] = process.argv.slice(2);
const flooders = await Promise.all(
  Array.from({ length: Number(connections) }, () => connectFrom('127.0.0.2', Number(port), certSha256 ?? '')),
);
const ping = encodeFrame(encodeCall(Method.Ping, 2, {}));
const intervalMs = (1000 * flooders.length) / Number(rate);
const deadline = performance.now() + Number(seconds) * 1000;
const counts = { sent: 0, served: 0, limited: 0, reset: 0 };
const started = performance.now();
process.stdout.write('ready\n');
await Promise.all(
  flooders.map(async (flooder) => {
    while (performance.now() < deadline) {
      const paced = new Promise((resolve) => setTimeout(resolve, intervalMs));
      counts.sent += 1;
      const answer = await flooder.exchange(ping);
      if (answer === 'closed') counts.reset += 1;
      else if (decodeResponse(answer).ok) counts.served += 1;
      else counts.limited += 1;
      await paced;
    }
  }),
);
const elapsed = (performance.now() - started) / 1000;
for (const flooder of flooders) await flooder.close();
process.stdout.write(`${JSON.stringify({ ...counts, seconds: elapsed })}\n`);
