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
import { generateIdentityMnemonic, identityFromMnemonic } from '../identity/index.js';
import type { ClientProfileStore } from '../store/types.js';
import type { LoadedIdentity } from './clientContext.js';

/**
 * A fresh 24-word identity (Ed25519 by SLIP-0010) and a hybrid key pair, saved in the store. Returns the
 * words: they are not stored, so this is the only moment they can be shown.
 */
export function createProfileIdentity(store: ClientProfileStore, clock: Clock): string {
  const existing = store.identity.load();
  if (existing !== undefined) {
    wipe(existing.signingPrivateKey, existing.hybridPrivateKey);
    throw new ValidationError('PROFILE_HAS_IDENTITY', 'this profile already has an identity', {
      hint: 'use another --profile DIR for another account',
    });
  }
  const mnemonic = generateIdentityMnemonic(24);
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
  return mnemonic;
}

export function loadIdentity(store: ClientProfileStore): LoadedIdentity | undefined {
  const record = store.identity.load();
  if (record === undefined) return undefined;
  const hybrid = decodeHybridPrivateKey(record.hybridPrivateKey);
  wipe(record.hybridPrivateKey);
  return {
    mls: { signingPrivateKey: record.signingPrivateKey, signingPublicKey: record.signingPublicKey },
    hybrid,
    username: record.username,
  };
}

/** The engine's in-memory copies of the private keys (the store keeps its own, encrypted). */
export function wipeLoadedIdentity(identity: LoadedIdentity | undefined): void {
  if (identity === undefined) return;
  wipe(identity.mls.signingPrivateKey);
  wipeHybridPrivateKey(identity.hybrid);
}
