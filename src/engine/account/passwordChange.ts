/**
 * Changing the account password while logged in: an OPAQUE login with the old password opens a fresh
 * session, and with it the account re-registers (reRegistration.ts) under the new password; the server
 * ends every other session of the account, and the fresh one becomes the profile's session.
 */
import { toHex, wipe } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import type { AccountHost } from '../client/accountFlow.js';
import { SettingKey } from '../client/clientContext.js';
import { EngineErrorCode } from '../engineErrors.js';
import { loginAccount } from './opaqueAccount.js';
import { reRegisterAccount } from './reRegistration.js';

export interface PasswordChange {
  /** Other sessions of the account that the server ended (other devices, other logins). */
  readonly sessionsEnded: number;
}

export async function changeAccountPassword(
  host: AccountHost,
  oldPassword: string,
  newPassword: string,
): Promise<PasswordChange> {
  const { store, session } = host;
  const username = host.freshIdentity().username;
  if (username === null) {
    throw new ValidationError(EngineErrorCode.notRegistered, 'this profile has no account yet');
  }
  await session.connect({ session: false });
  const connection = session.requireConnection();
  // A wrong old password stops here (AUTH_FAILED), before anything changes.
  const grant = await loginAccount(connection, username, oldPassword);
  // The session this engine had (if any) is one of those the server ends.
  session.forgetSession();
  connection.sessionToken = grant.sessionToken.slice();
  const record = store.identity.load();
  if (record === undefined) {
    throw new ValidationError(EngineErrorCode.noIdentity, 'this profile has no identity yet');
  }
  let sessionsEnded: number;
  try {
    ({ sessionsEnded } = await reRegisterAccount(connection, {
      username,
      password: newPassword,
      identityPrivateKey: record.signingPrivateKey,
    }));
  } finally {
    wipe(record.signingPrivateKey, record.hybridPrivateKey);
  }
  store.settings.set(SettingKey.sessionToken, toHex(grant.sessionToken));
  store.settings.set(SettingKey.sessionExpiresAt, grant.expiresAtMs.toString());
  wipe(grant.sessionToken);
  session.loadSessionToken();
  await session.connect();
  return { sessionsEnded };
}
