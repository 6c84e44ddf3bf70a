/** The profile's own identity: created once at registration, loaded at every start. */
import { wipe } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import { ValidationError } from '../../lib/errors.js';
import {
  decodeHybridPrivateKey,
  encodeHybridPrivateKey,
  encodeHybridPublicKey,
  generateHybridKeyPair,
  wipeHybridPrivateKey,
} from '../crypto/hybridKeys.js';
import { signWithIdentity } from '../account/opaqueAccount.js';
import {
  generateIdentityMnemonic,
  identityFromMnemonic,
  validateIdentityMnemonic,
} from '../identity/index.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ClientProfileStore } from '../store/types.js';
import { hybridKeySignedBytes, Method } from '../../protocol/index.js';
import { SettingKey, type LoadedIdentity } from './clientContext.js';
import { ClientErrorCode } from './clientErrors.js';
import { loadRetiredHybridKeys } from '../keys/retiredHybridKeys.js';

/**
 * A fresh 24-word identity (Ed25519 by SLIP-0010) and a hybrid key pair, saved in the store. Returns the
 * words (kept in the encrypted profile for `qpc keys show-recovery`, shown there only behind the password).
 */
export function createProfileIdentity(
  store: ClientProfileStore,
  clock: Clock,
  options: { replaceUnregistered?: boolean } = {},
): string {
  const mnemonic = generateIdentityMnemonic(24);
  saveIdentityFromMnemonic(store, mnemonic, clock, options.replaceUnregistered === true);
  store.settings.delete(HYBRID_KEY_UNPUBLISHED_SETTING);
  return mnemonic;
}

/**
 * Setting present while a restored profile's fresh hybrid public key is not yet on the server: the old
 * hybrid private key died with the old device, so until PublishKeys replaces it, Welcomes would be sealed
 * to a key nobody holds.
 */
export const HYBRID_KEY_UNPUBLISHED_SETTING = 'identity.hybrid_key_unpublished';

/**
 * The 24 words of a new identity until the person confirmed them (account/recoveryWords.ts). A restore
 * replaces the identity, so it drops them: they would no longer be the words of the key in the profile.
 */
export const RECOVERY_WORDS_PENDING_SETTING = 'identity.recovery_words_unconfirmed';

/**
 * The words of this profile's identity, kept after confirmation (inside the encrypted profile, beside
 * the private key they derive) so that `qpc keys show-recovery` can show them again behind the account
 * password and a backup can be sealed without typing them. Absent in profiles made before they were kept.
 */
export const RECOVERY_WORDS_KEPT_SETTING = 'identity.recovery_words';

export function keptRecoveryWords(store: ClientProfileStore): string | undefined {
  return store.settings.get(RECOVERY_WORDS_KEPT_SETTING);
}

export function keepRecoveryWords(store: ClientProfileStore, words: string): void {
  store.settings.set(RECOVERY_WORDS_KEPT_SETTING, words);
}

/**
 * A profile for an existing account: the same identity key, derived from the typed 24 words (typed
 * errors MNEMONIC_UNKNOWN_WORD / MNEMONIC_BAD_CHECKSUM / MNEMONIC_BAD_LENGTH), and a fresh hybrid key pair
 * to publish after the first login. Returns the identity public key.
 */
export function restoreProfileIdentity(
  store: ClientProfileStore,
  mnemonic: string,
  clock: Clock,
): Uint8Array {
  const normalized = validateIdentityMnemonic(mnemonic);
  // A profile with no account yet may be overwritten: a retry after mistyped (but valid) words.
  const publicKey = saveIdentityFromMnemonic(store, normalized, clock, true);
  store.settings.set(HYBRID_KEY_UNPUBLISHED_SETTING, '1');
  store.settings.delete(RECOVERY_WORDS_PENDING_SETTING);
  return publicKey;
}

/** Publishes the profile's hybrid public key, signed by the identity key, if a restore left it pending. */
export async function publishPendingHybridKey(
  store: ClientProfileStore,
  connection: ServerConnection,
  username: string,
): Promise<boolean> {
  if (store.settings.get(HYBRID_KEY_UNPUBLISHED_SETTING) === undefined) return false;
  const record = store.identity.load();
  if (record === undefined) return false;
  try {
    const identitySignature = signWithIdentity(
      record.signingPrivateKey,
      hybridKeySignedBytes(username, record.signingPublicKey, record.hybridPublicKey),
    );
    await connection.request(Method.PublishKeys, {
      hybridPublicKey: record.hybridPublicKey,
      identitySignature,
    });
  } finally {
    wipe(record.signingPrivateKey, record.hybridPrivateKey);
  }
  store.settings.delete(HYBRID_KEY_UNPUBLISHED_SETTING);
  return true;
}

/** Undoes a login whose recovery words belong to another account: no username, no session. */
export function forgetRestoredAccount(store: ClientProfileStore): void {
  const record = store.identity.load();
  if (record !== undefined) {
    store.identity.save({ ...record, username: null });
    wipe(record.signingPrivateKey, record.hybridPrivateKey);
  }
  store.settings.delete(SettingKey.sessionToken);
  store.settings.delete(SettingKey.sessionExpiresAt);
}

function saveIdentityFromMnemonic(
  store: ClientProfileStore,
  mnemonic: string,
  clock: Clock,
  replaceUnregistered = false,
): Uint8Array {
  const existing = store.identity.load();
  if (existing !== undefined) wipe(existing.signingPrivateKey, existing.hybridPrivateKey);
  if (existing !== undefined && !(replaceUnregistered && existing.username === null)) {
    throw new ValidationError(ClientErrorCode.profileHasIdentity, 'this profile already has an identity', {
      hint: 'use another --profile DIR for another account',
    });
  }
  const identity = identityFromMnemonic(mnemonic);
  const hybrid = generateHybridKeyPair();
  const hybridPrivate = encodeHybridPrivateKey(hybrid);
  store.identity.save({
    signingPrivateKey: identity.privateKey,
    signingPublicKey: identity.publicKey,
    hybridPrivateKey: hybridPrivate,
    hybridPublicKey: encodeHybridPublicKey(hybrid.publicKey),
    username: null,
    createdAt: clock.now(),
  });
  wipe(identity.privateKey, hybridPrivate);
  keepRecoveryWords(store, mnemonic);
  return identity.publicKey;
}

export function loadIdentity(store: ClientProfileStore, now: number): LoadedIdentity | undefined {
  const record = store.identity.load();
  if (record === undefined) return undefined;
  const hybrid = decodeHybridPrivateKey(record.hybridPrivateKey);
  wipe(record.hybridPrivateKey);
  return {
    mls: { signingPrivateKey: record.signingPrivateKey, signingPublicKey: record.signingPublicKey },
    hybrid,
    retiredHybrid: loadRetiredHybridKeys(store, now),
    username: record.username,
  };
}

/** The engine's in-memory copies of the private keys (the store keeps its own, encrypted). */
export function wipeLoadedIdentity(identity: LoadedIdentity | undefined): void {
  if (identity === undefined) return;
  wipe(identity.mls.signingPrivateKey);
  wipeHybridPrivateKey(identity.hybrid);
  for (const retired of identity.retiredHybrid) wipeHybridPrivateKey(retired);
  identity.retiredHybrid.length = 0;
}
