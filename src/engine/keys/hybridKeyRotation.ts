/**
 * Rotation of our hybrid (X25519 + ML-KEM-768) key pair, the key Welcomes and sealed envelopes are sealed
 * to. On a schedule (default 30 days) and on demand: a new pair replaces the current one in the identity
 * record, the old private key moves to retired_hybrid_keys with a deadline (default grace 7 days), and
 * the new public key is published, signed by the identity key. Until the deadline an envelope sealed to
 * the old key (a sender that looked us up before the rotation) still opens; after it, the old key is
 * deleted and wiped.
 *
 * Crash safety: the swap and the "unpublished" mark are one transaction; publishing is the same step a
 * restored profile takes (localIdentity.publishPendingHybridKey), retried at every session start.
 */
import { EngineErrorCode } from '../engineErrors.js';
import { wipe } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import {
  encodeHybridPrivateKey,
  encodeHybridPublicKey,
  generateHybridKeyPair,
  wipeHybridPrivateKey,
  type HybridPrivateKey,
} from '../crypto/hybridKeys.js';
import { HYBRID_KEY_UNPUBLISHED_SETTING } from '../client/localIdentity.js';
import type { ClientProfileStore } from '../store/types.js';
import {
  DEFAULT_HYBRID_GRACE_MS,
  DEFAULT_HYBRID_MAX_AGE_MS,
  durationSetting,
  instantSetting,
  KeySettingKey,
  rotationDue,
} from './keySettings.js';

export function hybridRotationDue(store: ClientProfileStore, now: number): boolean {
  const createdAt = instantSetting(store.settings, KeySettingKey.hybridCreatedAt, now);
  const maxAge = durationSetting(store.settings, KeySettingKey.hybridMaxAgeMs, DEFAULT_HYBRID_MAX_AGE_MS);
  return rotationDue(createdAt, maxAge, now);
}

/**
 * Swaps in a new hybrid key pair (stored, marked unpublished) and retires the current one until
 * now + grace. Returns the new private key for the engine's loaded identity; the caller publishes.
 */
export function rotateHybridKey(store: ClientProfileStore, now: number): HybridPrivateKey {
  const next = generateHybridKeyPair();
  const nextPrivate = encodeHybridPrivateKey(next);
  const graceMs = durationSetting(store.settings, KeySettingKey.hybridGraceMs, DEFAULT_HYBRID_GRACE_MS);
  try {
    store.transaction(() => {
      const record = store.identity.load();
      if (record === undefined) {
        throw new ValidationError(EngineErrorCode.noIdentity, 'this profile has no identity yet');
      }
      try {
        if (graceMs > 0) {
          store.retiredHybridKeys.add({
            publicKey: record.hybridPublicKey,
            privateKey: record.hybridPrivateKey,
            retiredAt: now,
            wipeAfter: now + graceMs,
          });
        }
        store.identity.save({
          ...record,
          hybridPrivateKey: nextPrivate,
          hybridPublicKey: encodeHybridPublicKey(next.publicKey),
        });
      } finally {
        wipe(record.signingPrivateKey, record.hybridPrivateKey);
      }
      store.settings.set(KeySettingKey.hybridCreatedAt, String(now));
      store.settings.set(HYBRID_KEY_UNPUBLISHED_SETTING, '1');
    });
  } catch (error) {
    wipeHybridPrivateKey(next);
    throw error;
  } finally {
    wipe(nextPrivate);
  }
  return next;
}
