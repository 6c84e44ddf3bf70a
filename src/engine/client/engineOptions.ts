/** How a QpcEngine is built and connected. */
import type { CryptoProvider } from 'ts-mls';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';
import type { ServerAddress } from '../net/serverAddress.js';
import type { ServerConnectionOptions } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import type { CommitHooks } from './pendingCommits.js';

export interface QpcEngineOptions {
  store: ClientProfileStore;
  /** Overrides (and, after a successful connection, replaces) the server saved in the profile. */
  server?: ServerAddress;
  clock?: Clock;
  provider?: CryptoProvider;
  /** Transport tuning: timeouts, backoff, reconnect on or off. */
  connection?: Partial<Omit<ServerConnectionOptions, 'address' | 'pins'>>;
  keyPackages?: { threshold?: number; batchSize?: number };
  /** Sealed sender on or off; saved in the profile (default: the profile's setting, else on). */
  sealedSender?: boolean;
  /**
   * Where background failures are logged (task and error code only; default: nowhere). The CLI passes
   * one on stderr, the TUI one writing to a file in the profile.
   */
  logger?: Logger;
  /** Test seams of the commit flow (crash simulation); never set in normal use. */
  commitHooks?: CommitHooks;
}

export interface ConnectOptions {
  /** Open the session stream, catch up, flush the outbox and top up KeyPackages (default true). */
  session?: boolean;
}
