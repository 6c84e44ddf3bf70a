/** Registering and logging in a profile's account (OPAQUE), then opening its session. */
import { toHex, wipe } from '../../lib/bytes.js';
import { AuthError, ValidationError } from '../../lib/errors.js';
import type { Clock } from '../../lib/clock.js';
import { EngineErrorCode } from '../engineErrors.js';
import { loginAccount, normalizeUsername, registerAccount } from '../account/opaqueAccount.js';
import { needsReRegistration, reRegisterAccount } from '../account/reRegistration.js';
import type { ClientProfileStore } from '../store/types.js';
import { SettingKey, type LoadedIdentity } from './clientContext.js';
import type { EngineSession } from './engineSession.js';
import { forgetRestoredAccount, publishPendingHybridKey } from './localIdentity.js';
import { adoptDirectoryIdentityKey, RestoreIdentityErrorCode } from '../keys/restoredIdentityIndex.js';

export interface AccountHost {
  store: ClientProfileStore;
  session: EngineSession;
  /** The engine's clock: a restore's re-derived rotation statements carry its time. */
  clock: Clock;
  /**
   * The profile's identity; one with no account yet is reloaded first, since it may have been
   * replaced (prepareRegistration) or restored (again) since the engine loaded it.
   */
  freshIdentity(): LoadedIdentity;
}

export async function registerProfile(
  host: AccountHost,
  usernameInput: string,
  password: string,
): Promise<void> {
  const { store, session } = host;
  const username = normalizeUsername(usernameInput);
  const identity = host.freshIdentity();
  if (identity.username !== null) {
    throw new ValidationError(
      EngineErrorCode.alreadyRegistered,
      `this profile is already registered as ${identity.username}`,
    );
  }
  await session.connect({ session: false });
  const record = store.identity.load();
  if (record === undefined)
    throw new ValidationError(EngineErrorCode.noIdentity, 'this profile has no identity yet');
  await registerAccount(session.requireConnection(), {
    username,
    password,
    identityPrivateKey: record.signingPrivateKey,
    identityPublicKey: record.signingPublicKey,
    hybridPublicKey: record.hybridPublicKey,
  });
  store.identity.save({ ...record, username });
  wipe(record.signingPrivateKey, record.hybridPrivateKey);
  identity.username = username;
  await loginProfile(host, username, password);
}

export interface LoginOutcome {
  /**
   * The server's OPAQUE setup had been replaced since this account registered, so the login re-registered
   * it in place (signed by the identity key) with this password first; the caller says so.
   */
  readonly reRegistered: boolean;
}

export async function loginProfile(
  host: AccountHost,
  usernameInput: string,
  password: string,
): Promise<LoginOutcome> {
  const { store, session } = host;
  const username = normalizeUsername(usernameInput);
  const identity = host.freshIdentity();
  if (identity.username !== null && identity.username !== username) {
    throw new ValidationError(EngineErrorCode.wrongProfile, `this profile belongs to ${identity.username}`, {
      hint: 'use the --profile DIR of that account',
    });
  }
  await session.connect({ session: false });
  let reRegistered = false;
  let grant;
  try {
    grant = await loginAccount(session.requireConnection(), username, password);
  } catch (error) {
    if (!needsReRegistration(error)) throw error;
    await reRegisterAfterSetupRotation(host, username, password);
    reRegistered = true;
    grant = await loginAccount(session.requireConnection(), username, password);
  }
  store.settings.set(SettingKey.sessionToken, toHex(grant.sessionToken));
  store.settings.set(SettingKey.sessionExpiresAt, grant.expiresAtMs.toString());
  if (identity.username === null) {
    const record = store.identity.load();
    if (record !== undefined) store.identity.save({ ...record, username });
    identity.username = username;
  }
  wipe(grant.sessionToken);
  session.forgetSession();
  // A restored profile holds a new hybrid private key: replace the server's copy of the public half,
  // which also retires the old device's KeyPackages; this comes before the session opens, so the
  // KeyPackages it uploads are the new device's and stay. First the key of the words that the directory
  // holds is found (an account may have rotated it); words of another account fail there (and the server
  // checks the publish's signature too): the profile goes back to having no account (and may be restored
  // again).
  session.loadSessionToken();
  try {
    await adoptDirectoryIdentityKey(store, session.requireConnection(), username, identity, host.clock.now());
    await publishPendingHybridKey(store, session.requireConnection(), username);
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    forgetRestoredAccount(store);
    identity.username = null;
    if (error.code === RestoreIdentityErrorCode.notCurrentKey) throw error;
    throw new AuthError(
      EngineErrorCode.recoveryWordsMismatch,
      `these recovery words are not those of ${username}`,
      {
        hint: 'check the words, or the username',
      },
    );
  }
  await session.connect();
  return { reRegistered };
}

/**
 * No password opens an account whose record predates the server's OPAQUE setup: make a new record for
 * this one, proven ours by the identity key. A saved session token is left out of the request (it may
 * have expired; the signature is what counts here).
 */
async function reRegisterAfterSetupRotation(
  host: AccountHost,
  username: string,
  password: string,
): Promise<void> {
  const record = host.store.identity.load();
  if (record === undefined)
    throw new ValidationError(EngineErrorCode.noIdentity, 'this profile has no identity yet');
  const connection = host.session.requireConnection();
  connection.sessionToken = undefined;
  try {
    await reRegisterAccount(connection, { username, password, identityPrivateKey: record.signingPrivateKey });
  } finally {
    wipe(record.signingPrivateKey, record.hybridPrivateKey);
  }
}
