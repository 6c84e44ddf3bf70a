/**
 * Session delivery over real QUIC: pushes on the session stream, SESSION_REPLACED, catch-up with
 * FetchQueue and Ack, commit ordering, and an acknowledged Enqueue surviving SIGKILL of the server.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodePush,
  decodeResponse,
  decodeResponseBody,
  encodeCall,
  encodeFrame,
  Method,
  readFrames,
  WireErrorCode,
  type Push,
} from '../../src/protocol/index.js';
import { makeDataDir, removeDataDir, startServerProcess, type ServerProcess } from './serverProcess.js';
import { logIn, newClientMessageId, registerAccount, WireClient, type TestAccount } from './wireClient.js';

const dataDir = makeDataDir();
const servers: ServerProcess[] = [];
const clients: WireClient[] = [];

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const server of servers) if (server.child.exitCode === null) await server.kill('SIGTERM');
  removeDataDir(dataDir);
});

async function connect(server: ServerProcess): Promise<WireClient> {
  const client = await WireClient.connect(server.port, server.certSha256);
  clients.push(client);
  return client;
}

/** OpenSession on its own stream; returns the OpenSession answer and an iterator over the pushes. */
async function openSession(client: WireClient) {
  const stream = client.transport.openStream();
  const writer = stream.writable.getWriter();
  await writer.write(encodeFrame(encodeCall(Method.OpenSession, 77, {}, client.token)));
  const frames = readFrames(stream.readable);
  const first = await frames.next();
  if (first.done === true) throw new Error('session stream ended before its answer');
  return {
    answerPayload: first.value,
    nextPush: async (): Promise<Push | undefined> => {
      const next = await frames.next();
      return next.done === true ? undefined : decodePush(next.value);
    },
  };
}

function openSessionAnswer(payload: Uint8Array) {
  const response = decodeResponse(payload);
  if (!response.ok) throw new Error(`OpenSession failed: ${response.error.code}`);
  return decodeResponseBody(Method.OpenSession, response.body);
}

let alice: TestAccount;
let bob: TestAccount;

describe('delivery over QUIC', () => {
  it('pushes a durable message to the online recipient and ends a replaced session', async () => {
    const server = await startServerProcess(dataDir);
    servers.push(server);
    const aliceClient = await connect(server);
    const bobClient = await connect(server);
    alice = await registerAccount(aliceClient, 'alice', 'alice password');
    bob = await registerAccount(bobClient, 'bob', 'bob password');
    await logIn(aliceClient, 'alice', alice.password);
    await logIn(bobClient, 'bob', bob.password);

    const bobSession = await openSession(bobClient);
    await aliceClient.ok(Method.Enqueue, {
      recipientIdentityKeys: [bob.identityPublicKey],
      payload: new Uint8Array([7, 7, 7]),
      clientMessageId: newClientMessageId(),
    });
    const push = await bobSession.nextPush();
    expect(push?.event.case).toBe('messages');
    if (push?.event.case !== 'messages') return;
    const [message] = push.event.value.messages;
    expect([...(message?.payload ?? [])]).toEqual([7, 7, 7]);
    expect(message?.senderIdentityKey).toEqual(alice.identityPublicKey);

    // A second OpenSession for bob takes over; the first stream hears SESSION_REPLACED, then ends.
    const bobSecondDevice = await connect(server);
    bobSecondDevice.token = bobClient.token;
    await openSession(bobSecondDevice);
    const ended = await bobSession.nextPush();
    expect(ended?.event.case === 'sessionEnded' && ended.event.value.code).toBe(
      WireErrorCode.SessionReplaced,
    );
    expect(await bobSession.nextPush()).toBeUndefined();
  });

  it('orders commits: the first for an epoch wins, the second gets COMMIT_CONFLICT', async () => {
    const server = servers[0];
    if (server === undefined) throw new Error('no server');
    const aliceClient = await connect(server);
    await logIn(aliceClient, 'alice', alice.password);
    const groupId = new Uint8Array([1, 2, 3, 4]);
    const commit = (payload: number) =>
      aliceClient.call(Method.Enqueue, {
        recipientIdentityKeys: [bob.identityPublicKey],
        payload: new Uint8Array([payload]),
        groupId,
        epoch: 5n,
        clientMessageId: newClientMessageId(),
      });
    expect((await commit(1)).ok).toBe(true);
    const loser = await commit(2);
    expect(loser.ok ? 'ok' : loser.error.code).toBe(WireErrorCode.CommitConflict);
  });

  it('keeps an acknowledged message across SIGKILL and a restart', async () => {
    const first = servers[0];
    if (first === undefined) throw new Error('no server');
    const aliceClient = await connect(first);
    await logIn(aliceClient, 'alice', alice.password);
    await aliceClient.ok(Method.Enqueue, {
      recipientIdentityKeys: [bob.identityPublicKey],
      payload: new Uint8Array([42, 42]),
      clientMessageId: newClientMessageId(),
    });
    expect(await first.kill('SIGKILL')).toBe('SIGKILL');

    const second = await startServerProcess(dataDir);
    servers.push(second);
    expect(second.certSha256).toBe(first.certSha256);
    const bobClient = await connect(second);
    await logIn(bobClient, 'bob', bob.password);
    const session = await openSession(bobClient);
    expect(openSessionAnswer(session.answerPayload).queuedCount).toBe(3);
    const queue = await bobClient.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 0 });
    const payloads = queue.messages.map((message) => [...message.payload]);
    expect(payloads).toEqual([[7, 7, 7], [1], [42, 42]]);
    expect(queue.messages[1]?.epoch).toBe(5n);
    expect(queue.more).toBe(false);

    const acked = await bobClient.ok(Method.Ack, { messageIds: queue.messages.map((m) => m.messageId) });
    expect(acked.removed).toBe(3);
    const after = await bobClient.ok(Method.FetchQueue, { afterMessageId: 0n, limit: 0 });
    expect(after.messages).toHaveLength(0);
    expect(await second.metrics()).toMatch(/qpc_messages_delivered_total 3/);
  });

  it('ends the session stream with UNAUTHENTICATED on Logout and with UNAVAILABLE on SIGTERM', async () => {
    const server = servers[1];
    if (server === undefined) throw new Error('no restarted server');
    const bobClient = await connect(server);
    await logIn(bobClient, 'bob', bob.password);
    const first = await openSession(bobClient);
    await bobClient.ok(Method.Logout, {});
    const loggedOut = await first.nextPush();
    expect(loggedOut?.event.case === 'sessionEnded' && loggedOut.event.value.code).toBe(
      WireErrorCode.Unauthenticated,
    );
    const revoked = await bobClient.call(Method.CountKeyPackages, {});
    expect(revoked.ok ? 'ok' : revoked.error.code).toBe(WireErrorCode.Unauthenticated);

    await logIn(bobClient, 'bob', bob.password);
    const second = await openSession(bobClient);
    const exited = server.kill('SIGTERM');
    const shutdown = await second.nextPush();
    expect(shutdown?.event.case === 'sessionEnded' && shutdown.event.value.code).toBe(
      WireErrorCode.Unavailable,
    );
    expect(await exited).toBe(0);
  });
});
