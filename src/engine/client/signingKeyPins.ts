/** The profile's store of the server's signing keys, as the pin check of a connection uses them. */
import { create } from '@bufbuild/protobuf';
import { fromHex, toHex } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import { SigningKeySchema } from '../../protocol/index.js';
import type { TrustedSigningKeys } from '../net/certificateChange.js';
import type { ClientProfileStore } from '../store/types.js';

/**
 * The keys delivery proofs are checked with are the keys a certificate change must be signed by: both
 * were learned over connections whose certificate matched the pin, so the server vouched for them.
 */
export function profileSigningKeys(store: ClientProfileStore, clock: Clock): TrustedSigningKeys {
  return {
    known: () =>
      store.deliveryProofs.keys().map((key) =>
        create(SigningKeySchema, {
          keyId: fromHex(key.keyId),
          publicKey: key.publicKey,
          retiredAtMs: BigInt(key.retiredAt),
        }),
      ),
    learn: (keys) =>
      store.deliveryProofs.saveKeys(
        keys.map((key) => ({
          keyId: toHex(key.keyId),
          publicKey: key.publicKey,
          retiredAt: Number(key.retiredAtMs),
        })),
        clock.now(),
      ),
  };
}
