/**
 * `npm run load -- --clients N --rate R --seconds S [--server host:port] [--pin sha256] ...`
 *
 * Drives N real QUIC connections against a running qpc-server: registers a few accounts with real
 * OPAQUE, logs them in, spreads their session tokens over the connections, and sends Enqueue requests
 * (each to another account) at R requests per second in total (0: as fast as the connections go) for S
 * seconds, while one drainer per account fetches and acknowledges its queue. Prints throughput, latency
 * percentiles and errors by code. For sizing a machine: docs/performance.md.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connectQuic, type QuicTransport } from '../src/engine/net/quicTransport.js';
import { parseServerAddress } from '../src/engine/net/serverAddress.js';
import { Method } from '../src/protocol/index.js';
import { logIn, newClientMessageId, registerAccount, WireClient } from '../test/server/wireClient.js';
import { overCallStream } from './callStreamTransport.js';
import { percentile } from './report.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    rate: { type: 'string', default: '0' },
    seconds: { type: 'string', default: '10' },
    server: { type: 'string', default: '127.0.0.1:7443' },
    'server-name': { type: 'string', default: 'localhost' },
    pin: { type: 'string' },
    accounts: { type: 'string', default: '4' },
    size: { type: 'string', default: '1024' },
    'connect-batch': { type: 'string', default: '25' },
    'stream-per-request': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(`npm run load -- [options]
  --clients N        QUIC connections (default 50)
  --rate R           Enqueue requests per second in total; 0 = as fast as possible (default 0)
  --seconds S        how long to send (default 10)
  --server H:P       qpc-server address (default 127.0.0.1:7443)
  --server-name NAME TLS server name (default localhost)
  --pin SHA256       certificate SHA-256 to accept (hex); without it any certificate is accepted
  --accounts K       accounts registered and logged in, shared by the connections (default 4)
  --size BYTES       payload size (default 1024)
  --connect-batch B  connections opened at once (default 25)
  --stream-per-request  a new QUIC stream per request, as clients before call streams did
                     (default: one call stream per connection, as qpc clients do now)
`);
  process.exit(0);
}

const clients = positive('clients');
const rate = Number(values.rate);
const seconds = positive('seconds');
const accountCount = Math.min(positive('accounts'), clients);
const size = positive('size');
const address = parseServerAddress(values.server);

function positive(name: 'clients' | 'seconds' | 'accounts' | 'size' | 'connect-batch'): number {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value <= 0) {
    process.stderr.write(`--${name} must be a positive integer\n`);
    process.exit(2);
  }
  return value;
}

function connect(): Promise<QuicTransport> {
  const pin = values.pin?.toLowerCase();
  return connectQuic({
    host: address.host,
    port: address.port,
    serverName: values['server-name'],
    checkPin: (presented) => (pin === undefined || presented === pin ? 'accept' : 'reject'),
  });
}

/** Calls ride one call stream per connection, unless --stream-per-request asks for the old pattern. */
function callPath(transport: QuicTransport): Promise<QuicTransport> {
  return values['stream-per-request'] ? Promise.resolve(transport) : overCallStream(transport);
}

async function connectAll(count: number): Promise<WireClient[]> {
  const batch = positive('connect-batch');
  const out: WireClient[] = [];
  while (out.length < count) {
    const n = Math.min(batch, count - out.length);
    out.push(
      ...(await Promise.all(
        Array.from({ length: n }, async () => WireClient.over(await callPath(await connect()))),
      )),
    );
  }
  return out;
}

const errors = new Map<string, number>();
const countError = (code: string): void => {
  errors.set(code, (errors.get(code) ?? 0) + 1);
};

const setupStarted = performance.now();
const accounts = await connectAll(accountCount);
const run = randomBytes(4).toString('hex');
const identities: Uint8Array[] = [];
for (const [index, client] of accounts.entries()) {
  const username = `load-${run}-${index}`;
  const password = `load password ${run}`;
  identities.push((await registerAccount(client, username, password)).identityPublicKey);
  await logIn(client, username, password);
}
const connectStarted = performance.now();
const connections = await connectAll(clients);
const connectMs = performance.now() - connectStarted;
connections.forEach((client, index) => (client.token = accounts[index % accountCount]?.token));
console.log(
  `load: ${clients} connections (${(connectMs / 1000).toFixed(1)} s to connect), ${accountCount} accounts, ` +
    `${values['stream-per-request'] ? 'a stream per request' : 'call streams'}, ` +
    `${rate > 0 ? `${rate} req/s` : 'closed loop'}, ${seconds} s, ${size}-byte payloads; setup ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
);

const payload = new Uint8Array(randomBytes(size));
const latencies: number[] = [];
let sent = 0;
const deadline = performance.now() + seconds * 1000;

async function sendOne(client: WireClient, index: number): Promise<void> {
  const recipient = identities[(index + 1) % accountCount] ?? new Uint8Array();
  const started = performance.now();
  sent++;
  try {
    const result = await client.call(Method.Enqueue, {
      recipientIdentityKeys: [recipient],
      payload,
      clientMessageId: newClientMessageId(),
    });
    if (result.ok) latencies.push(performance.now() - started);
    else countError(result.error.code);
  } catch (error) {
    countError((error as { code?: string }).code ?? (error as Error).name);
  }
}

/** Open loop at `rate` in total (each connection its share, evenly spaced), or closed loop at 0. */
async function sender(client: WireClient, index: number): Promise<void> {
  if (rate <= 0) {
    while (performance.now() < deadline) await sendOne(client, index);
    return;
  }
  const interval = (clients / rate) * 1000;
  let next = performance.now() + Math.random() * interval;
  const inFlight: Promise<void>[] = [];
  while (next < deadline) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(sendOne(client, index));
    next += interval;
  }
  await Promise.all(inFlight);
}

/** Keeps each account's queue from reaching the server's cap: fetch and ack until the run ends. */
async function drainer(client: WireClient): Promise<void> {
  while (performance.now() < deadline) {
    try {
      const fetched = await client.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 500 });
      const ids = fetched.messages.map((message) => message.messageId);
      if (ids.length > 0) await client.ok(Method.Ack, { messageIds: ids });
      else await new Promise((resolve) => setTimeout(resolve, 100));
    } catch (error) {
      countError(`drain:${(error as Error).message.split(' ')[1] ?? 'failed'}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const started = performance.now();
await Promise.all([
  ...connections.map((client, index) => sender(client, index % accountCount)),
  ...accounts.map((client) => drainer(client)),
]);
const elapsed = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const failed = [...errors.values()].reduce((sum, n) => sum + n, 0);
console.log(`sent ${sent} requests in ${elapsed.toFixed(1)} s`);
console.log(`throughput  ${(latencies.length / elapsed).toFixed(0)} accepted Enqueue/s`);
for (const p of [50, 90, 99]) console.log(`latency p${p}  ${percentile(latencies, p).toFixed(2)} ms`);
console.log(`latency max  ${(latencies.at(-1) ?? Number.NaN).toFixed(2)} ms`);
console.log(`errors      ${failed}${failed > 0 ? ` ${JSON.stringify(Object.fromEntries(errors))}` : ''}`);
await Promise.all([...connections, ...accounts].map((client) => client.close().catch(() => undefined)));
process.exit(failed > 0 && latencies.length === 0 ? 1 : 0);
