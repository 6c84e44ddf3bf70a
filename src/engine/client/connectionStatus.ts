/**
 * The connection state the engine shows (status line, `snapshot()`), derived from the transport's state
 * and the session's: "online" means messages flow, not merely that QUIC is up. While a session is
 * wanted, a transport that is back shows "connecting" until the session stream is open and caught up,
 * and "offline" with the reason when the session could not be reopened (a revoked or expired token, a
 * server error), so the screen never says "online" while nothing can arrive.
 */
import { isQpcError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/index.js';
import { EngineErrorCode } from '../engineErrors.js';
import type { ConnectionState } from './engineTypes.js';

export class ConnectionStatus {
  private transport: ConnectionState;
  private shownState: ConnectionState;
  /** A session is wanted (connect() with a session, or one was open before a break). */
  private wanted = false;
  /** The session stream is open and the queue caught up. */
  private live = false;
  /** Why the session is down although the transport is up. */
  private problem: string | undefined;

  constructor(
    server: string,
    private readonly changed: (state: ConnectionState) => void,
  ) {
    this.transport = { status: 'offline', server };
    this.shownState = this.transport;
  }

  get shown(): ConnectionState {
    return this.shownState;
  }

  /** The transport's state changed (the transport repeats 'offline' with each new reason). */
  transportChanged(state: ConnectionState): void {
    this.transport = state;
    if (state.status !== 'online') this.live = false;
    this.update(state.status === 'offline');
  }

  /** Whether the engine keeps a session open on this connection. */
  sessionWanted(wanted: boolean): void {
    this.wanted = wanted;
    if (!wanted) this.problem = undefined;
    this.update(false);
  }

  /** The session stream is being (re)opened: not live until sessionLive(). */
  sessionOpening(): void {
    this.live = false;
  }

  /** OpenSession was refused or failed: the reason shows while the transport stays up. */
  sessionRefused(error: unknown): void {
    this.live = false;
    this.problem = isQpcError(error) ? error.code : EngineErrorCode.sessionNotReopened;
    this.update(false);
  }

  /** Reopening failed after the stream opened (catch-up): still not live; say so. */
  sessionFailed(): void {
    if (this.transport.status !== 'online' || this.live) return;
    this.problem ??= EngineErrorCode.sessionNotReopened;
    this.update(false);
  }

  /** Pushes arrive and the queue is caught up. */
  sessionLive(): void {
    this.live = true;
    this.problem = undefined;
    this.update(false);
  }

  /** The server ended our session stream (SESSION_REPLACED, UNAUTHENTICATED, UNAVAILABLE). */
  sessionEnded(reason: string): void {
    this.live = false;
    // After UNAVAILABLE (a server restart) the reconnect reopens the session; any other end is final
    // until a new login, and stays shown whatever the transport does.
    if (reason !== WireErrorCode.Unavailable) this.problem = reason;
    this.shownState = { status: 'offline', server: this.shownState.server, reason };
    this.changed(this.shownState);
  }

  private update(always: boolean): void {
    const transport = this.transport;
    let next: ConnectionState = transport;
    if (transport.status === 'online' && this.wanted && !this.live) {
      next =
        this.problem === undefined
          ? { status: 'connecting', server: transport.server }
          : { status: 'offline', server: transport.server, reason: this.problem };
    }
    const current = this.shownState;
    const same =
      current.status === next.status &&
      current.server === next.server &&
      (current.status !== 'offline' || next.status !== 'offline' || current.reason === next.reason);
    this.shownState = next;
    if (!same || always) this.changed(next);
  }
}
