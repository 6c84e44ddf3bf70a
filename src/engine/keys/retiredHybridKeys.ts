/**
 * Our retired hybrid private keys (keys/hybridKeyRotation.ts retires them): loaded with the identity,
 * tried after the current key when an envelope sealed to us does not open, deleted once their grace
 * period is over.
 */
import { wipe } from '../../lib/bytes.js';
import { CryptoError } from '../../lib/errors.js';
import { decodeHybridPrivateKey, type HybridPrivateKey } from '../crypto/hybridKeys.js';
import { HybridEnvelopeErrorCode, openHybridEnvelope } from '../crypto/hybridEnvelope.js';
import type { ClientProfileStore } from '../store/types.js';

/** What openWithOwnHybridKeys needs of the loaded identity. */
export interface OwnHybridKeys {
  hybrid: HybridPrivateKey;
  retiredHybrid: readonly HybridPrivateKey[];
}

/** The retired private keys still within their grace period, newest first (expired ones deleted first). */
export function loadRetiredHybridKeys(store: ClientProfileStore, now: number): HybridPrivateKey[] {
  store.retiredHybridKeys.deleteExpired(now);
  return store.retiredHybridKeys.list().map((record) => {
    try {
      return decodeHybridPrivateKey(record.privateKey);
    } finally {
      wipe(record.privateKey);
    }
  });
}

/**
 * Opens an envelope sealed to us: with the current key, else with a retired one still in its grace
 * period. Fails with the current key's error when none opens it.
 */
export function openWithOwnHybridKeys(
  identity: OwnHybridKeys,
  envelope: Uint8Array,
  aad: Uint8Array,
): Uint8Array {
  try {
    return openHybridEnvelope(identity.hybrid, envelope, aad);
  } catch (error) {
    if (!(error instanceof CryptoError) || error.code !== HybridEnvelopeErrorCode.authFailed) throw error;
    for (const retired of identity.retiredHybrid) {
      try {
        return openHybridEnvelope(retired, envelope, aad);
      } catch (retry) {
        // Sealed to another of our keys (or not to us at all): the next key is tried, and the first
        // error is what the caller sees when none fits.
        if (!(retry instanceof CryptoError)) throw retry;
      }
    }
    throw error;
  }
}
