/**
 * Sealed sender (server side) and its privacy proof over real QUIC: SetSealedAccess, SealedSend
 * delivered by fetch and by push with no sender, one refusal code for every denial, the per-IP limit, and
 * a dump of the server database and logs taken around sealed traffic that holds no sender identity.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodePush,
  decodeResponse,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
  type Push,
} from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, newClientMessageId, registerAccount, WireClient, type TestAccount } from './wireClient.js';

const servers: ServerProcess[] = [];
const clients: WireClient[] = [];

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const server of servers) {
    if (server.child.exitCode === null) await server.kill('SIGTERM');
    removeDataDir(server.dataDir);
  }
});

async function connect(server: ServerProcess): Promise<WireClient> {
  const client = await WireClient.connect(server.port, server.certSha256);
  clients.push(client);
  return client;
}

/** OpenSession on its own stream; returns the next push each time it is called. */
async function openSession(client: WireClient): Promise<() => Promise<Push | undefined>> {
  const stream = client.transport.openStream();
  await stream.writable.getWriter().write(encodeFrame(encodeCall(Method.OpenSession, 77, {}, client.token)));
  const frames = readFrames(stream.readable);
  const first = await frames.next();
  if (first.done === true || !decodeResponse(first.value).ok) throw new Error('OpenSession failed');
  return async () => {
    const next = await frames.next();
    return next.done === true ? undefined : decodePush(next.value);
  };
}

const sha256 = (bytes: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());
const envelopeOf = (fill: number): Uint8Array => new Uint8Array(1300).fill(fill);

/** Every row of every table of the server database (opened with the dev key), each cell as hex and text. */
function dumpDatabase(dataDir: string): Set<string> {
  const key = readFileSync(join(dataDir, 'db.key'), 'utf8').trim();
  const db = new Database(join(dataDir, 'qpc-server.db'), { fileMustExist: true });
  try {
    db.pragma(`cipher='sqlcipher'`);
    db.pragma(`key="x'${key}'"`);
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    expect(tables).toContain('queue');
    const rows = new Set<string>();
    for (const table of tables) {
      for (const row of db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][]) {
        const cells = row.map((cell) =>
          cell instanceof Uint8Array
            ? `${Buffer.from(cell).toString('hex')} ${Buffer.from(cell).toString('latin1')}`
            : String(cell),
        );
        rows.add(`${table}: ${cells.join(' | ')}`);
      }
    }
    return rows;
  } finally {
    db.close();
  }
}

/** What would give a sender away, in every spelling a row or a log line could hold it. */
function senderTraces(account: TestAccount, sessionToken: Uint8Array): string[] {
  const spellings = (bytes: Uint8Array): string[] => {
    const buffer = Buffer.from(bytes);
    return [buffer.toString('hex'), buffer.toString('base64'), buffer.toString('base64url')];
  };
  return [
    ...spellings(account.identityPublicKey),
    ...spellings(sessionToken),
    ...spellings(sha256(sessionToken)), // the server keeps session tokens as SHA-256
    account.username,
  ];
}

function findTraces(haystack: Iterable<string>, traces: readonly string[]): string[] {
  const found: string[] = [];
  for (const entry of haystack) {
    const lower = entry.toLowerCase();
    for (const trace of traces) if (lower.includes(trace.toLowerCase())) found.push(trace);
  }
  return found;
}

const newRows = (before: Set<string>, after: Set<string>): string[] =>
  [...after].filter((row) => !before.has(row));

let server: ServerProcess;
let stderr = '';
let alice: TestAccount; // the sealed sender
let bob: TestAccount; // the recipient, who registers an access hash
let carol: TestAccount; // a user with no access hash
let dave: TestAccount; // sends an ordinary Enqueue: the control of the privacy scan
let aliceClient: WireClient;
let bobClient: WireClient;
let carolClient: WireClient;
let daveClient: WireClient;
/** A connection of its own for sealed sends, with no session token: how clients send sealed messages. */
let sealedClient: WireClient;
let nextBobPush: () => Promise<Push | undefined>;
const bobAccessKey = new Uint8Array(randomBytes(32));

beforeAll(async () => {
  server = await startServerProcess(makeDataDir(), ['--rate-limit-per-ip', '1000'], {
    QPC_LOG_LEVEL: 'debug', // the most the server ever logs
  });
  servers.push(server);
  server.child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  aliceClient = await connect(server);
  bobClient = await connect(server);
  carolClient = await connect(server);
  daveClient = await connect(server);
  sealedClient = await connect(server);
  alice = await registerAccount(aliceClient, 'alice', 'alice password');
  bob = await registerAccount(bobClient, 'bob', 'bob password');
  carol = await registerAccount(carolClient, 'carol', 'carol password');
  dave = await registerAccount(daveClient, 'dave', 'dave password');
  for (const [client, account] of [
    [aliceClient, alice],
    [bobClient, bob],
    [carolClient, carol],
    [daveClient, dave],
  ] as const) {
    await logIn(client, account.username, account.password);
  }
  await bobClient.ok(Method.SetSealedAccess, { accessKeyHash: sha256(bobAccessKey) });
  nextBobPush = await openSession(bobClient);
  await openSession(aliceClient); // alice is online with her session while she sends sealed
});

describe('sealed sender over QUIC', () => {
  it('delivers a sealed send with the right token, pushed and fetched, with no sender', async () => {
    const envelope = envelopeOf(0x5e);
    const sent = await sealedClient.ok(Method.SealedSend, {
      recipientIdentityKey: bob.identityPublicKey,
      accessToken: bobAccessKey,
      envelope,
    });
    expect(sent.serverTimeMs).toBeGreaterThan(0n);

    const push = await nextBobPush();
    expect(push?.event.case).toBe('messages');
    const pushed = push?.event.case === 'messages' ? push.event.value.messages : [];
    expect(pushed).toHaveLength(1);
    expect(pushed[0]?.payload).toEqual(envelope);
    expect(pushed[0]?.senderIdentityKey).toHaveLength(0);
    expect(pushed[0]?.groupId).toBeUndefined();

    const fetched = await bobClient.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 0 });
    const message = fetched.messages.find((queued) => queued.messageId === pushed[0]?.messageId);
    expect(message?.payload).toEqual(envelope);
    expect(message?.senderIdentityKey).toHaveLength(0);
  });

  it('refuses a wrong token, an unknown recipient and a recipient with no hash with the same answer', async () => {
    const attempts = [
      { recipientIdentityKey: bob.identityPublicKey, accessToken: new Uint8Array(randomBytes(32)) },
      { recipientIdentityKey: new Uint8Array(randomBytes(32)), accessToken: bobAccessKey },
      { recipientIdentityKey: carol.identityPublicKey, accessToken: bobAccessKey },
    ];
    const answers = [];
    for (const attempt of attempts) {
      const result = await sealedClient.call(Method.SealedSend, { ...attempt, envelope: envelopeOf(1) });
      answers.push(result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`);
    }
    expect(answers[0]).toMatch(new RegExp(`^${WireErrorCode.SealedAccessDenied}: `));
    expect(new Set(answers).size).toBe(1);
    expect(await bobClient.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 0 })).toMatchObject({
      messages: [expect.anything()], // only the message of the first test
    });
  });

  it('refuses a sealed send that carries a session token', async () => {
    const result = await aliceClient.call(Method.SealedSend, {
      recipientIdentityKey: bob.identityPublicKey,
      accessToken: bobAccessKey,
      envelope: envelopeOf(2),
    });
    expect(result.ok ? 'ok' : result.error.code).toBe(WireErrorCode.BadRequest);
  });

  it('stores, logs and counts no sender identity for sealed traffic (and does for an ordinary Enqueue)', async () => {
    const aliceToken = aliceClient.token ?? new Uint8Array();
    const daveToken = daveClient.token ?? new Uint8Array();
    const logsBefore = server.lines.length;
    const before = dumpDatabase(server.dataDir);

    for (let i = 0; i < 5; i++) {
      await sealedClient.ok(Method.SealedSend, {
        recipientIdentityKey: bob.identityPublicKey,
        accessToken: bobAccessKey,
        envelope: envelopeOf(0x40 + i),
      });
      expect((await nextBobPush())?.event.case).toBe('messages');
    }
    const afterSealed = dumpDatabase(server.dataDir);
    const sealedRows = newRows(before, afterSealed);
    expect(sealedRows.filter((row) => row.startsWith('queue: '))).toHaveLength(5);
    expect(findTraces(sealedRows, senderTraces(alice, aliceToken))).toEqual([]);
    // Not only the new rows: no row of the delivery tables holds alice anywhere.
    const deliveryRows = [...afterSealed].filter((row) => /^(queue|queue_meta|enqueue_receipts): /.test(row));
    expect(findTraces(deliveryRows, senderTraces(alice, aliceToken))).toEqual([]);

    // The control: the same scan finds the sender of an ordinary Enqueue (its sender stamp).
    await daveClient.ok(Method.Enqueue, {
      recipientIdentityKeys: [bob.identityPublicKey],
      payload: new Uint8Array([9, 9, 9]),
      clientMessageId: newClientMessageId(),
    });
    const enqueueRows = newRows(afterSealed, dumpDatabase(server.dataDir));
    expect(findTraces(enqueueRows, senderTraces(dave, daveToken))).toContain(
      Buffer.from(dave.identityPublicKey).toString('hex'),
    );

    // Logs: everything printed around the sealed traffic, and everything since start, at debug level.
    await server.kill('SIGTERM'); // flushes the last lines
    const logs = [...server.lines, ...stderr.split('\n')];
    expect(server.lines.length).toBeGreaterThan(logsBefore);
    expect(findTraces(logs, senderTraces(alice, aliceToken))).toEqual([]);
  });
});

describe('sealed sender limits', () => {
  it('applies the per-IP rate limit to SealedSend, which has no account to limit', async () => {
    const perIp = 5;
    const limitedServer = await startServerProcess(makeDataDir(), ['--rate-limit-per-ip', String(perIp)]);
    servers.push(limitedServer);
    const client = await connect(limitedServer);
    const results = await Promise.all(
      Array.from({ length: perIp * 2 }, () =>
        client.call(Method.SealedSend, {
          recipientIdentityKey: new Uint8Array(randomBytes(32)),
          accessToken: new Uint8Array(randomBytes(32)),
          envelope: envelopeOf(3),
        }),
      ),
    );
    const codes = results.map((result) => (result.ok ? 'ok' : result.error.code));
    const limited = codes.filter((code) => code === WireErrorCode.RateLimited).length;
    expect(limited).toBeGreaterThanOrEqual(perIp);
    expect(codes.filter((code) => code === WireErrorCode.SealedAccessDenied).length).toBe(
      codes.length - limited,
    );
    const metrics = await limitedServer.metrics();
    // Refused before the request is read, so the method is not known yet: recorded as "unknown".
    expect(metrics).toContain(`qpc_requests_total{method="unknown",result="RATE_LIMITED"} ${limited}`);
  });
});

describe('metrics', () => {
  it('label sealed sends by method and result only', async () => {
    // The first server is stopped by now; its last scrape is not available, so scrape a fresh one.
    const fresh = await startServerProcess(makeDataDir(), ['--rate-limit-per-ip', '1000']);
    servers.push(fresh);
    const recipientClient = await connect(fresh);
    const recipient = await registerAccount(recipientClient, 'erin', 'erin password');
    await logIn(recipientClient, 'erin', 'erin password');
    const key = new Uint8Array(randomBytes(32));
    await recipientClient.ok(Method.SetSealedAccess, { accessKeyHash: sha256(key) });
    const sender = await connect(fresh);
    await sender.ok(Method.SealedSend, {
      recipientIdentityKey: recipient.identityPublicKey,
      accessToken: key,
      envelope: envelopeOf(4),
    });
    // An empty hash turns sealed delivery off again.
    await recipientClient.ok(Method.SetSealedAccess, { accessKeyHash: new Uint8Array() });
    const refused = await sender.call(Method.SealedSend, {
      recipientIdentityKey: recipient.identityPublicKey,
      accessToken: key,
      envelope: envelopeOf(4),
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe(WireErrorCode.SealedAccessDenied);
    const metrics = await fresh.metrics();
    expect(metrics).toContain('qpc_requests_total{method="SealedSend",result="ok"} 1');
    expect(metrics).toContain(`qpc_requests_total{method="SealedSend",result="SEALED_ACCESS_DENIED"} 1`);
    expect(metrics).not.toContain(Buffer.from(recipient.identityPublicKey).toString('hex'));
  });
});
