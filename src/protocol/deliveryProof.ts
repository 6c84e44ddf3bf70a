import { createHash, createPublicKey, verify } from 'node:crypto';
import { concatBytes, constantTimeEqual, toHex, utf8 } from '../lib/bytes.js';
import { SIGNING_KEY_ID_BYTES } from './limits.js';
import type { DeliveryReceipt } from './gen/qpc/v1/delivery_pb.js';
import type { SigningKey } from './gen/qpc/v1/ping_pb.js';

/** Domain-separation label of a delivery proof: no other signature of the server can pass for one. */
export const DELIVERY_PROOF_LABEL = 'qpc/v1 delivery-proof';
export const MAX_SERVER_NAME_BYTES = 253;

/** The fields a delivery proof signs: a DeliveryReceipt without its signature. */
export interface DeliveryProofFields {
  serverName: string;
  keyId: Uint8Array;
  recipientQueueHash: Uint8Array;
  envelopeSha256: Uint8Array;
  sequence: bigint;
  acceptedAtMs: bigint;
  keepUntilMs: bigint;
}

/**
 * The bytes the server's Ed25519 signing key signs (docs/protocol.md "Delivery proofs"):
 *
 *   utf8(label) | 0x00 | u8(len(server_name)) | utf8(server_name) | key_id(8) | recipient_queue_hash(32)
 *   | envelope_sha256(32) | u64be(sequence) | u64be(accepted_at_ms) | u64be(keep_until_ms)
 *
 * Fixed widths and one length prefix: two different receipts can never give the same bytes. Returns
 * undefined when a field has the wrong size (such a receipt verifies as nothing).
 */
export function deliveryProofSignedBytes(fields: DeliveryProofFields): Uint8Array | undefined {
  const name = utf8(fields.serverName);
  if (
    name.length > MAX_SERVER_NAME_BYTES ||
    fields.keyId.length !== SIGNING_KEY_ID_BYTES ||
    fields.recipientQueueHash.length !== 32 ||
    fields.envelopeSha256.length !== 32
  ) {
    return undefined;
  }
  const numbers = new Uint8Array(24);
  const view = new DataView(numbers.buffer);
  view.setBigUint64(0, BigInt.asUintN(64, fields.sequence));
  view.setBigUint64(8, BigInt.asUintN(64, fields.acceptedAtMs));
  view.setBigUint64(16, BigInt.asUintN(64, fields.keepUntilMs));
  return concatBytes(
    utf8(DELIVERY_PROOF_LABEL),
    Uint8Array.of(0, name.length),
    name,
    fields.keyId,
    fields.recipientQueueHash,
    fields.envelopeSha256,
    numbers,
  );
}

/** SHA-256 of a recipient's identity key: the queue a receipt names. */
export function recipientQueueHash(identityKey: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(identityKey).digest());
}

export function envelopeSha256(payload: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(payload).digest());
}

export type ProofFailure =
  'unknown_key' | 'bad_signature' | 'wrong_recipient' | 'wrong_envelope' | 'malformed';

export type ProofCheck = { valid: true; key: SigningKey } | { valid: false; reason: ProofFailure };

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** A server publishes a handful of signing keys: more than this many means the cache starts over. */
const PUBLIC_KEY_CACHE_LIMIT = 64;
/**
 * Imported signing keys by their hex form. Parsing the DER costs about three times the verification it
 * serves, and every Enqueue answer carries a proof signed by the same key. Public keys only: no secret.
 */
const publicKeyCache = new Map<string, ReturnType<typeof createPublicKey>>();

/** Raw Ed25519 public key (32 bytes) to a KeyObject, through its SPKI DER; imported once per key. */
export function ed25519PublicKey(raw: Uint8Array): ReturnType<typeof createPublicKey> {
  const hex = toHex(raw);
  const cached = publicKeyCache.get(hex);
  if (cached !== undefined) return cached;
  const key = createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, raw]),
    format: 'der',
    type: 'spki',
  });
  if (publicKeyCache.size >= PUBLIC_KEY_CACHE_LIMIT) publicKeyCache.clear();
  publicKeyCache.set(hex, key);
  return key;
}

/**
 * Checks a receipt against the server's published signing keys (current and retired), and, when given,
 * against the recipient and the payload the client sent. A receipt signed by a retired key still
 * verifies: rotating the key must not undo what the server proved before.
 */
export function checkDeliveryProof(
  receipt: DeliveryReceipt,
  publishedKeys: readonly SigningKey[],
  expected: { recipient?: Uint8Array; payload?: Uint8Array } = {},
): ProofCheck {
  const bytes = deliveryProofSignedBytes(receipt);
  if (bytes === undefined || receipt.signature.length !== 64) return { valid: false, reason: 'malformed' };
  const key = publishedKeys.find(
    (candidate) => candidate.publicKey.length === 32 && toHex(candidate.keyId) === toHex(receipt.keyId),
  );
  if (key === undefined) return { valid: false, reason: 'unknown_key' };
  if (
    expected.recipient !== undefined &&
    !constantTimeEqual(recipientQueueHash(expected.recipient), receipt.recipientQueueHash)
  ) {
    return { valid: false, reason: 'wrong_recipient' };
  }
  if (
    expected.payload !== undefined &&
    !constantTimeEqual(envelopeSha256(expected.payload), receipt.envelopeSha256)
  ) {
    return { valid: false, reason: 'wrong_envelope' };
  }
  const ok = verify(null, bytes, ed25519PublicKey(key.publicKey), receipt.signature);
  return ok ? { valid: true, key } : { valid: false, reason: 'bad_signature' };
}
