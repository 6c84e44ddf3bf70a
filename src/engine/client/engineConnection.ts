/** Builds the engine's ServerConnection: pins in the profile store, events turned into engine terms. */
import { fromHex } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import { AuthError } from '../../lib/errors.js';
import type { QueuedMessage } from '../../protocol/index.js';
import type { LivenessOptions } from '../net/liveness.js';
import { parseServerAddress } from '../net/serverAddress.js';
import { ServerConnection, type ServerConnectionOptions } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import { SettingKey } from './clientContext.js';
import type { ConnectionState } from './engineTypes.js';
import { ClientErrorCode } from './clientErrors.js';
import { profileSigningKeys } from './signingKeyPins.js';

export interface EngineConnectionHandlers {
  status(state: ConnectionState): void;
  push(messages: QueuedMessage[]): void;
  /** A connection came back after a break (not the first one). */
  reconnected(): void;
  /** The server ended our session stream (SESSION_REPLACED, UNAUTHENTICATED, UNAVAILABLE). */
  sessionEnded(code: string): void;
}

/**
 * A server that stops answering (killed, unplugged) is noticed within 5 s and the state shown turns
 * offline: after SESSION_LIVENESS.probeAfterMs without a word from the server a Ping asks for one, and
 * after deadAfterMs of silence the connection is dropped, then reconnected. Both count time our event
 * loop ran (net/liveness.ts), so seconds of argon2id or key generation on a starved machine do not end
 * a healthy connection. QUIC's idle timeout, which counts wall time and fires before the packets that
 * waited behind a stall are read, is only a backstop; keep-alive PINGs keep the server's side open.
 */
export const SESSION_LIVENESS: LivenessOptions = { probeAfterMs: 1_500, deadAfterMs: 4_500 };
export const SESSION_MAX_IDLE_TIMEOUT_MS = 30_000;
export const SESSION_KEEP_ALIVE_INTERVAL_MS = 5_000;

export function createEngineConnection(
  server: string,
  store: ClientProfileStore,
  clock: Clock,
  tuning: Partial<Omit<ServerConnectionOptions, 'address' | 'pins'>> | undefined,
  handlers: EngineConnectionHandlers,
): ServerConnection {
  const connection = new ServerConnection({
    maxIdleTimeoutMs: SESSION_MAX_IDLE_TIMEOUT_MS,
    keepAliveIntervalMs: SESSION_KEEP_ALIVE_INTERVAL_MS,
    liveness: SESSION_LIVENESS,
    ...tuning,
    address: parseServerAddress(server),
    pins: {
      get: (name) => store.serverPins.get(name),
      set: (name, sha256) => store.serverPins.set(name, sha256, clock.now()),
    },
    signingKeys: profileSigningKeys(store, clock),
  });
  connection.on('status', (event) => {
    handlers.status(
      event.status === 'offline'
        ? {
            status: 'offline',
            server: connection.server,
            ...(event.reason === undefined ? {} : { reason: event.reason }),
          }
        : { status: event.status, server: connection.server },
    );
  });
  connection.on('push', (push) => {
    if (push.event.case === 'messages') handlers.push(push.event.value.messages);
  });
  connection.on('sessionEnded', (code) => handlers.sessionEnded(code));
  let first = true;
  connection.on('connected', () => {
    if (first) first = false;
    else handlers.reconnected();
  });
  return connection;
}

/** The session token saved at login; an AuthError (exit 3) when there is none or it expired. */
export function savedSessionToken(store: ClientProfileStore, clock: Clock): Uint8Array {
  const hex = store.settings.get(SettingKey.sessionToken);
  const expires = store.settings.get(SettingKey.sessionExpiresAt);
  if (hex === undefined || (expires !== undefined && BigInt(expires) <= BigInt(clock.now()))) {
    throw new AuthError(ClientErrorCode.notLoggedIn, 'no valid session for this profile', {
      hint: 'log in: qpc account login USER --password-stdin',
    });
  }
  return fromHex(hex);
}
