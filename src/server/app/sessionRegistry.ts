import { toHex } from '../../lib/bytes.js';
import type { Logger } from '../../lib/logger.js';
import { encodeFrame, encodePush, WireErrorCode } from '../../protocol/index.js';
import type { QueuedMessageInit } from './deliveryLedger.js';
import { traceHop } from '../../lib/trace.js';

/** Longest timer Node accepts; a session living longer is re-checked when it fires. */
const MAX_TIMER_MS = 2_147_483_647;

export interface SessionStreamSink {
  /** Writes one already-framed push. Rejects when the stream is gone. */
  write(frame: Uint8Array): Promise<void>;
  /** Ends the stream gracefully (or resets it if that fails). */
  close(): void;
}

interface OnlineSession {
  identityHex: string;
  token: string;
  connectionId: number;
  sink: SessionStreamSink;
  /** Pushes are written one after another, in message order. */
  chain: Promise<void>;
  expiryTimer: NodeJS.Timeout;
  ended: boolean;
}

/**
 * The session streams of logged-in clients, one per identity key: OpenSession binds a stream here, and
 * Enqueue pushes each new message to the recipient's stream once it is durable. A second OpenSession
 * for the same identity replaces the first (SESSION_REPLACED).
 */
export class SessionRegistry {
  private readonly byIdentity = new Map<string, OnlineSession>();

  constructor(private readonly deps: { logger: Logger; now: () => number }) {}

  get size(): number {
    return this.byIdentity.size;
  }

  isOnline(identityKey: Uint8Array): boolean {
    return this.byIdentity.has(toHex(identityKey));
  }

  open(input: {
    identityKey: Uint8Array;
    token: string;
    expiresAt: number;
    connectionId: number;
    sink: SessionStreamSink;
    /** Pushes wait for this (the OpenSession answer being written), so the answer is the first frame. */
    ready?: Promise<void>;
  }): void {
    const identityHex = toHex(input.identityKey);
    const previous = this.byIdentity.get(identityHex);
    if (previous !== undefined)
      this.end(previous, WireErrorCode.SessionReplaced, 'another session took over');
    const session: OnlineSession = {
      identityHex,
      token: input.token,
      connectionId: input.connectionId,
      sink: input.sink,
      chain: input.ready ?? Promise.resolve(),
      expiryTimer: this.expiryTimer(input.expiresAt),
      ended: false,
    };
    this.byIdentity.set(identityHex, session);
  }

  /** Queue a push of `messages` to the recipient if it is online; never throws. */
  push(recipient: Uint8Array, messages: QueuedMessageInit[]): void {
    const session = this.byIdentity.get(toHex(recipient));
    if (session === undefined || messages.length === 0) return;
    const frame = encodeFrame(encodePush({ event: { case: 'messages', value: { messages } } }));
    this.send(session, frame);
  }

  /** An identity rotation: the session stream of `oldKey` now receives the pushes of `newKey`. */
  rekey(oldKey: Uint8Array, newKey: Uint8Array): void {
    const session = this.byIdentity.get(toHex(oldKey));
    if (session === undefined) return;
    this.byIdentity.delete(session.identityHex);
    session.identityHex = toHex(newKey);
    this.byIdentity.set(session.identityHex, session);
  }

  /** Logout or revocation: end the stream(s) bound to this token with UNAUTHENTICATED. */
  endByToken(token: string): void {
    for (const session of this.byIdentity.values()) {
      if (session.token === token)
        this.end(session, WireErrorCode.Unauthenticated, 'the session was revoked');
    }
  }

  /**
   * After a login: the identity's session stream, if its token is no longer valid (the per-account
   * session cap ended the oldest sessions), is ended with UNAUTHENTICATED like a logout.
   */
  endIfRevoked(identityKey: Uint8Array, stillValid: (token: string) => boolean): void {
    const session = this.byIdentity.get(toHex(identityKey));
    if (session === undefined || stillValid(session.token)) return;
    this.end(session, WireErrorCode.Unauthenticated, 'the session was ended by a newer login');
  }

  /** The QUIC connection went away: forget its sessions without writing to them. */
  dropConnection(connectionId: number): void {
    for (const session of this.byIdentity.values()) {
      if (session.connectionId === connectionId) this.forget(session);
    }
  }

  /** Shutdown: every stream gets SessionEnded{UNAVAILABLE}; resolves once those frames were written. */
  async endAll(): Promise<void> {
    const sessions = [...this.byIdentity.values()];
    for (const session of sessions)
      this.end(session, WireErrorCode.Unavailable, 'the server is shutting down');
    await Promise.allSettled(sessions.map((session) => session.chain));
  }

  private end(session: OnlineSession, code: WireErrorCode, message: string): void {
    if (session.ended) return;
    const frame = encodeFrame(encodePush({ event: { case: 'sessionEnded', value: { code, message } } }));
    this.send(session, frame);
    this.forget(session);
    session.chain = session.chain.then(() => session.sink.close());
  }

  private forget(session: OnlineSession): void {
    session.ended = true;
    clearTimeout(session.expiryTimer);
    if (this.byIdentity.get(session.identityHex) === session) this.byIdentity.delete(session.identityHex);
  }

  private send(session: OnlineSession, frame: Uint8Array): void {
    session.chain = session.chain
      .then(() => session.sink.write(frame))
      .then(() => traceHop('server.pushWritten'))
      .catch(() => {
        // The client went away mid-write; it catches up with FetchQueue when it reconnects.
        if (!session.ended) {
          this.forget(session);
          session.sink.close();
        }
        this.deps.logger.debug({ event: 'push_failed' }, 'a push could not be written');
      });
  }

  private expiryTimer(expiresAt: number): NodeJS.Timeout {
    const delay = Math.min(Math.max(0, expiresAt - this.deps.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      // By the timer, not the key: a rotation (rekey) moves the session to another key.
      const session = [...this.byIdentity.values()].find((candidate) => candidate.expiryTimer === timer);
      if (session === undefined || session.expiryTimer !== timer) return;
      if (this.deps.now() >= expiresAt) {
        this.end(session, WireErrorCode.Unauthenticated, 'the session expired');
      } else {
        session.expiryTimer = this.expiryTimer(expiresAt);
      }
    }, delay);
    timer.unref();
    return timer;
  }
}
