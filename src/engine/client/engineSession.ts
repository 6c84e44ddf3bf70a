/**
 * The engine's connection to its server and the session on it: connect, open the session stream,
 * catch up, flush the outbox and top up KeyPackages, and do it all again after every reconnection.
 */
import type { Clock } from '../../lib/clock.js';
import { AuthError, NetworkError, ValidationError } from '../../lib/errors.js';
import { replenishKeyPackages } from '../account/keyPackageSupply.js';
import { WireErrorCode } from '../../protocol/index.js';
import { EngineErrorCode } from '../engineErrors.js';
import { backoffDelayMs, DEFAULT_BACKOFF } from '../net/backoff.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import { BackgroundTask, type BackgroundWork } from './backgroundWork.js';
import { SettingKey, type ClientContext } from './clientContext.js';
import type { ConnectionStatus } from './connectionStatus.js';
import { createEngineConnection, savedSessionToken } from './engineConnection.js';
import type { ConnectOptions, QpcEngineOptions } from './engineOptions.js';
import type { IncomingProcessor } from './incoming.js';
import { sendInviteNotices } from './inviteNotices.js';
import { publishPendingHybridKey } from './localIdentity.js';
import type { OutboxSender } from './outboxSender.js';
import { resolveAllPendingCommits } from './pendingCommits.js';
import { registerSealedAccess, sealedSenderEnabled } from './sealedSender.js';
import type { SelfUpdateScheduler } from './selfUpdateScheduler.js';
import type { KeyRotations } from '../keys/keyRotations.js';

/** The parts of the engine a session drives. */
export interface EngineSessionParts {
  store: ClientProfileStore;
  clock: Clock;
  tuning: QpcEngineOptions['connection'];
  keyPackages: QpcEngineOptions['keyPackages'];
  context: ClientContext;
  status: ConnectionStatus;
  background: BackgroundWork;
  incoming: IncomingProcessor;
  outbox: OutboxSender;
  healing: SelfUpdateScheduler;
  rotations: KeyRotations;
  /** The server to connect to (options, else the profile's), if any. */
  serverText(): string | undefined;
}

export class EngineSession {
  connection: ServerConnection | undefined;
  /** A session is wanted on this connection (connect() opened one, and no logout since). */
  private sessionOpen = false;
  /** A reopen that failed for a passing reason waits here for its next attempt. */
  private reopenTimer: NodeJS.Timeout | undefined;
  private reopenAttempt = 0;
  private pendingTimer: NodeJS.Timeout | undefined;

  constructor(private readonly parts: EngineSessionParts) {}

  async connect(options: ConnectOptions = {}): Promise<void> {
    const { parts } = this;
    if (this.connection === undefined) {
      const text = parts.serverText();
      if (text === undefined) {
        throw new ValidationError(EngineErrorCode.noServer, 'no server is set for this profile', {
          hint: 'pass --server HOST:PORT',
        });
      }
      const connection = createEngineConnection(text, parts.store, parts.clock, parts.tuning, {
        status: (state) => parts.status.transportChanged(state),
        push: (messages) =>
          parts.background.run(BackgroundTask.incomingPush, () => parts.incoming.acceptPush(messages)),
        // No more pushes: say so. After UNAVAILABLE (a restart) the reconnect resumes the session.
        sessionEnded: (reason) => {
          if (reason !== WireErrorCode.Unavailable) this.sessionOpen = false;
          parts.status.sessionEnded(reason);
        },
        reconnected: () => {
          if (!this.sessionOpen) return;
          this.cancelReopen();
          void this.reopenSession();
        },
      });
      this.connection = connection;
      try {
        await connection.connect();
      } catch (error) {
        this.connection = undefined;
        throw error;
      }
      parts.store.settings.set(SettingKey.server, connection.server);
    }
    if (options.session !== false && !this.sessionOpen) {
      this.loadSessionToken();
      this.sessionOpen = true;
      parts.status.sessionWanted(true);
      try {
        await this.resumeSession();
      } catch (error) {
        this.sessionOpen = false;
        parts.status.sessionWanted(false);
        throw error;
      }
    }
  }

  /** The session on this connection is over (a new login replaces it, a logout revoked it). */
  forgetSession(): void {
    this.sessionOpen = false;
    this.cancelReopen();
  }

  /** Drops the connection (closing is the caller's); the session goes with it. */
  detach(): ServerConnection | undefined {
    const connection = this.connection;
    this.connection = undefined;
    this.forgetSession();
    clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    return connection;
  }

  /** Settles the pending commits again after `afterMs` (a Welcome the server rate-limited). */
  retryPendingCommits(afterMs: number): void {
    if (this.pendingTimer !== undefined) return;
    const { parts } = this;
    this.pendingTimer = setTimeout(
      () => {
        this.pendingTimer = undefined;
        parts.background.run(BackgroundTask.pendingCommits, async () => {
          const connection = this.connection;
          // Offline: the next connection settles them first thing (resumeSession).
          if (connection?.state !== 'online') return;
          await parts.incoming.exclusive(() => resolveAllPendingCommits(parts.context, connection));
        });
      },
      Math.max(50, afterMs),
    );
    this.pendingTimer.unref();
  }

  loadSessionToken(): void {
    this.requireConnection().sessionToken = savedSessionToken(this.parts.store, this.parts.clock);
  }

  requireConnection(): ServerConnection {
    if (this.connection === undefined) {
      throw new NetworkError(EngineErrorCode.notConnected, 'not connected to the server', {
        hint: 'connect first; the client reconnects by itself',
      });
    }
    return this.connection;
  }

  async replenish(): Promise<void> {
    const connection = this.connection;
    if (connection?.state !== 'online') return;
    const { mls } = this.parts.context;
    await replenishKeyPackages(connection, {
      ...mls,
      identity: this.parts.context.identity().mls,
      ...this.parts.keyPackages,
    });
  }

  /**
   * After a reconnection: reopen the session. A failure is shown (never 'online') and reported; unless
   * the server refused us for good (an AuthError: the token expired or was revoked, a new login is
   * needed), the reopen is tried again with backoff for as long as the connection stays up; a new
   * connection starts over.
   */
  private async reopenSession(): Promise<void> {
    const connection = this.connection;
    try {
      await this.resumeSession();
      this.reopenAttempt = 0;
    } catch (error) {
      // Shown first, so whoever hears the event below already sees the state it explains.
      this.parts.status.sessionFailed();
      this.parts.background.report(BackgroundTask.resumeSession, error);
      const again =
        !(error instanceof AuthError) &&
        this.sessionOpen &&
        this.connection === connection &&
        connection?.state === 'online';
      if (again) this.scheduleReopen();
    }
  }

  private scheduleReopen(): void {
    if (this.reopenTimer !== undefined) return;
    const delay = backoffDelayMs(this.reopenAttempt, this.parts.tuning?.backoff ?? DEFAULT_BACKOFF);
    this.reopenAttempt += 1;
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = undefined;
      // A connection lost meanwhile reopens on its own 'reconnected'.
      if (this.sessionOpen && this.connection?.state === 'online') void this.reopenSession();
    }, delay);
    this.reopenTimer.unref();
  }

  private cancelReopen(): void {
    clearTimeout(this.reopenTimer);
    this.reopenTimer = undefined;
    this.reopenAttempt = 0;
  }

  /** After every (re)connection: the session stream, then catch-up, the outbox and KeyPackages. */
  private async resumeSession(): Promise<void> {
    const { parts } = this;
    const connection = this.requireConnection();
    parts.status.sessionOpening();
    try {
      await connection.openSession();
    } catch (error) {
      // The server answers but refuses the session (an expired or revoked token, a server error).
      parts.status.sessionRefused(error);
      throw error;
    }
    // Our pending commits first: messages in the epochs after them need them merged.
    await parts.incoming.exclusive(() => resolveAllPendingCommits(parts.context, connection));
    await parts.incoming.drain();
    // Pushes arrive and the queue is caught up: the session is usable ('online') from here.
    parts.status.sessionLive();
    await parts.outbox.flush();
    await parts.background.settle(BackgroundTask.inviteNotices, () => sendInviteNotices(parts.context));
    // A restore whose key publish did not finish (a crash, a lost connection) finishes it first: the
    // old device's KeyPackages go, then ours are uploaded.
    const identity = parts.context.identity();
    if (identity.username !== null) await publishPendingHybridKey(parts.store, connection, identity.username);
    await parts.background.settle(BackgroundTask.replenishKeyPackages, () => this.replenish());
    if (sealedSenderEnabled(parts.context)) {
      await parts.background.settle(BackgroundTask.sealedAccess, () => registerSealedAccess(parts.context));
    }
    await parts.background.settle(BackgroundTask.keyRotation, () => parts.rotations.runDue());
    parts.healing.start();
    parts.rotations.start();
  }
}
