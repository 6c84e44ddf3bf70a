/**
 * Logging out: the server revokes the session token (Logout, 104), then the profile forgets it. The token
 * is forgotten even when the server cannot be reached, so a lost connection never leaves a person logged
 * in on a machine they meant to leave; `revoked` says whether the server confirmed.
 */
import { isQpcError } from '../../lib/errors.js';
import { wipe } from '../../lib/bytes.js';
import { Method } from '../../protocol/methods.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import { SettingKey } from './clientContext.js';
import { savedSessionToken } from './engineConnection.js';
import type { Clock } from '../../lib/clock.js';

export interface LogoutResult {
  /** A session token was saved in the profile. */
  readonly hadSession: boolean;
  /** The server confirmed the token is revoked. */
  readonly revoked: boolean;
}

export async function logoutSession(
  store: ClientProfileStore,
  clock: Clock,
  connection: ServerConnection | undefined,
): Promise<LogoutResult> {
  const hadSession = store.settings.get(SettingKey.sessionToken) !== undefined;
  let revoked = false;
  if (hadSession && connection !== undefined) {
    try {
      connection.sessionToken = savedSessionToken(store, clock);
      await connection.request(Method.Logout, {});
      revoked = true;
    } catch (error) {
      // An expired or already revoked token, or no server: the server holds no live session for it, or
      // the caller is told (revoked: false). Anything that is not one of our errors is a bug: rethrow.
      if (!isQpcError(error)) throw error;
    } finally {
      if (connection.sessionToken !== undefined) wipe(connection.sessionToken);
      connection.sessionToken = undefined;
    }
  }
  store.settings.delete(SettingKey.sessionToken);
  store.settings.delete(SettingKey.sessionExpiresAt);
  return { hadSession, revoked };
}
