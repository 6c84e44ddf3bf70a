import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { decodePush, FrameDecoder, WireErrorCode, type Push } from '../../protocol/index.js';
import { SessionRegistry, type SessionStreamSink } from './sessionRegistry.js';

class RecordingSink implements SessionStreamSink {
  readonly pushes: Push[] = [];
  closed = false;
  private readonly decoder = new FrameDecoder();
  write(frame: Uint8Array): Promise<void> {
    for (const payload of this.decoder.push(frame)) this.pushes.push(decodePush(payload));
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
}

const identity = new Uint8Array(32).fill(1);
const message = (id: number) => ({
  messageId: BigInt(id),
  payload: new Uint8Array([id]),
  senderIdentityKey: new Uint8Array(32),
  receivedAtMs: 0n,
});

function registry(now = 0) {
  return new SessionRegistry({ logger: silentLogger(), now: () => now });
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

describe('SessionRegistry', () => {
  it('closes the stream of a session the per-account cap ended, and keeps one still valid', async () => {
    const sessions = registry();
    const sink = new RecordingSink();
    sessions.open({ identityKey: identity, token: 'old', expiresAt: 1e12, connectionId: 1, sink });
    sessions.endIfRevoked(identity, (token) => token === 'old');
    await settle();
    expect(sink.closed).toBe(false);
    expect(sessions.isOnline(identity)).toBe(true);
    sessions.endIfRevoked(identity, () => false);
    await settle();
    expect(sink.closed).toBe(true);
    expect(sessions.isOnline(identity)).toBe(false);
    const last = sink.pushes.at(-1);
    expect(last?.event.case === 'sessionEnded' && last.event.value.code).toBe(WireErrorCode.Unauthenticated);
  });

  it('pushes in order to the online recipient only', async () => {
    const sessions = registry();
    const sink = new RecordingSink();
    sessions.open({ identityKey: identity, token: 't', expiresAt: 1e12, connectionId: 1, sink });
    sessions.push(identity, [message(1)]);
    sessions.push(identity, [message(2)]);
    sessions.push(new Uint8Array(32).fill(2), [message(3)]);
    await settle();
    const ids = sink.pushes.flatMap((push) =>
      push.event.case === 'messages' ? push.event.value.messages.map((m) => m.messageId) : [],
    );
    expect(ids).toEqual([1n, 2n]);
  });

  it('ends the first session with SESSION_REPLACED when a second opens', async () => {
    const sessions = registry();
    const first = new RecordingSink();
    const second = new RecordingSink();
    sessions.open({ identityKey: identity, token: 'a', expiresAt: 1e12, connectionId: 1, sink: first });
    sessions.open({ identityKey: identity, token: 'b', expiresAt: 1e12, connectionId: 2, sink: second });
    await settle();
    const ended = first.pushes.at(-1);
    expect(ended?.event.case === 'sessionEnded' && ended.event.value.code).toBe(
      WireErrorCode.SessionReplaced,
    );
    expect(first.closed).toBe(true);
    expect(second.closed).toBe(false);
    expect(sessions.size).toBe(1);
  });

  it('ends a revoked token with UNAUTHENTICATED and all sessions at shutdown with UNAVAILABLE', async () => {
    const sessions = registry();
    const revoked = new RecordingSink();
    const other = new RecordingSink();
    sessions.open({ identityKey: identity, token: 'a', expiresAt: 1e12, connectionId: 1, sink: revoked });
    sessions.open({
      identityKey: new Uint8Array(32),
      token: 'b',
      expiresAt: 1e12,
      connectionId: 1,
      sink: other,
    });
    sessions.endByToken('a');
    await sessions.endAll();
    const codeOf = (sink: RecordingSink) => {
      const last = sink.pushes.at(-1);
      return last?.event.case === 'sessionEnded' ? last.event.value.code : undefined;
    };
    expect(codeOf(revoked)).toBe(WireErrorCode.Unauthenticated);
    expect(codeOf(other)).toBe(WireErrorCode.Unavailable);
    expect(sessions.size).toBe(0);
  });

  it('forgets a session whose stream fails, and the sessions of a closed connection', async () => {
    const sessions = registry();
    const failing: SessionStreamSink = {
      write: () => Promise.reject(new Error('gone')),
      close: () => undefined,
    };
    sessions.open({ identityKey: identity, token: 'a', expiresAt: 1e12, connectionId: 1, sink: failing });
    sessions.push(identity, [message(1)]);
    await settle();
    expect(sessions.isOnline(identity)).toBe(false);
    sessions.open({
      identityKey: identity,
      token: 'a',
      expiresAt: 1e12,
      connectionId: 4,
      sink: new RecordingSink(),
    });
    sessions.dropConnection(4);
    expect(sessions.isOnline(identity)).toBe(false);
  });
});
