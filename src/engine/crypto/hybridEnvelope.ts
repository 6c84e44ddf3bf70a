import {
  createCipheriv,
  createDecipheriv,
  createHash,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CodecError, CryptoError } from '../../lib/errors.js';
import { concatBytes, utf8, wipe } from '../../lib/bytes.js';
import {
  MLKEM768_CIPHERTEXT_LENGTH,
  X25519_KEY_LENGTH,
  importX25519PublicKey,
  rawX25519,
  type HybridPrivateKey,
  type HybridPublicKey,
} from './hybridKeys.js';

/** Format: ver(1) | eph_pk(32) | mlkem_ct(1088) | nonce(12) | ct (plaintext + 16-byte tag); docs/protocol.md. */
export const HYBRID_ENVELOPE_VERSION = 1;
export const NONCE_LENGTH = 12;
export const TAG_LENGTH = 16;
export const HEADER_LENGTH = 1 + X25519_KEY_LENGTH + MLKEM768_CIPHERTEXT_LENGTH + NONCE_LENGTH;
export const HYBRID_ENVELOPE_OVERHEAD = HEADER_LENGTH + TAG_LENGTH;

/** HKDF info label; the version byte follows it so a future format cannot share keys with this one. */
const KDF_LABEL = utf8('quicprochat hybrid envelope');

export const HybridEnvelopeErrorCode = {
  truncated: 'ENVELOPE_TRUNCATED',
  badVersion: 'ENVELOPE_BAD_VERSION',
  /** Tag check failed: tampered bytes, different associated data or a different recipient key. */
  authFailed: 'ENVELOPE_AUTH_FAILED',
  /** The X25519 exchange failed (a low-order point in the ephemeral or recipient key). */
  badKey: 'ENVELOPE_BAD_KEY',
} as const;

/**
 * key = HKDF-SHA256(ikm = ss_mlkem || ss_x25519, salt = SHA-256(eph_pk || mlkem_ct || rcpt_x25519_pk ||
 * rcpt_mlkem_pk), info = label || version, 32 bytes). The transcript goes through SHA-256 because node's HKDF
 * caps info at 1024 bytes; every part has a fixed length, so plain concatenation is unambiguous.
 */
function deriveEnvelopeKey(
  sharedMlKem: Uint8Array,
  sharedX25519: Uint8Array,
  ephemeralPublic: Uint8Array,
  mlKemCiphertext: Uint8Array,
  recipient: HybridPublicKey,
): Uint8Array {
  const salt = createHash('sha256')
    .update(ephemeralPublic)
    .update(mlKemCiphertext)
    .update(recipient.x25519)
    .update(recipient.mlKem)
    .digest();
  const ikm = concatBytes(sharedMlKem, sharedX25519);
  const info = concatBytes(KDF_LABEL, new Uint8Array([HYBRID_ENVELOPE_VERSION]));
  try {
    return new Uint8Array(hkdfSync('sha256', ikm, salt, info, 32));
  } finally {
    wipe(ikm);
  }
}

function x25519Exchange(...args: Parameters<typeof diffieHellman>): Uint8Array {
  try {
    return diffieHellman(...args);
  } catch (cause) {
    throw new CryptoError(
      HybridEnvelopeErrorCode.badKey,
      'X25519 key agreement failed (invalid public key)',
      { cause },
    );
  }
}

/** Encrypts plaintext to one recipient. `aad` is authenticated but not carried: open() needs the same bytes. */
export function sealHybridEnvelope(
  recipient: HybridPublicKey,
  plaintext: Uint8Array,
  aad: Uint8Array = new Uint8Array(),
): Uint8Array {
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralPublic = rawX25519(ephemeral.publicKey);
  const sharedX25519 = x25519Exchange({ privateKey: ephemeral.privateKey, publicKey: recipient.x25519Key });
  const { cipherText: mlKemCiphertext, sharedSecret: sharedMlKem } = ml_kem768.encapsulate(recipient.mlKem);
  const key = deriveEnvelopeKey(sharedMlKem, sharedX25519, ephemeralPublic, mlKemCiphertext, recipient);
  wipe(sharedX25519, sharedMlKem);
  const nonce = new Uint8Array(randomBytes(NONCE_LENGTH));
  const header = concatBytes(
    new Uint8Array([HYBRID_ENVELOPE_VERSION]),
    ephemeralPublic,
    mlKemCiphertext,
    nonce,
  );
  try {
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH });
    cipher.setAAD(concatBytes(header, aad), { plaintextLength: plaintext.length });
    const body = cipher.update(plaintext);
    const final = cipher.final();
    return concatBytes(header, body, final, cipher.getAuthTag());
  } finally {
    wipe(key);
  }
}

/** Decrypts an envelope; throws CodecError (truncated, version) or CryptoError (authentication, key). */
export function openHybridEnvelope(
  recipient: HybridPrivateKey,
  envelope: Uint8Array,
  aad: Uint8Array = new Uint8Array(),
): Uint8Array {
  if (envelope.length < HYBRID_ENVELOPE_OVERHEAD) {
    throw new CodecError(
      HybridEnvelopeErrorCode.truncated,
      `hybrid envelope is ${envelope.length} bytes, shorter than the ${HYBRID_ENVELOPE_OVERHEAD}-byte minimum`,
    );
  }
  if (envelope[0] !== HYBRID_ENVELOPE_VERSION) {
    throw new CodecError(
      HybridEnvelopeErrorCode.badVersion,
      `unknown hybrid envelope version ${String(envelope[0])}`,
    );
  }
  let offset = 1;
  const ephemeralPublic = envelope.subarray(offset, (offset += X25519_KEY_LENGTH));
  const mlKemCiphertext = envelope.subarray(offset, (offset += MLKEM768_CIPHERTEXT_LENGTH));
  const nonce = envelope.subarray(offset, (offset += NONCE_LENGTH));
  const header = envelope.subarray(0, HEADER_LENGTH);
  const body = envelope.subarray(HEADER_LENGTH, envelope.length - TAG_LENGTH);
  const tag = envelope.subarray(envelope.length - TAG_LENGTH);

  const sharedX25519 = x25519Exchange({
    privateKey: recipient.x25519Key,
    publicKey: importX25519PublicKey(ephemeralPublic),
  });
  // ML-KEM decapsulation never fails: a wrong key or ciphertext yields a pseudo-random secret (implicit
  // rejection), which then fails the tag check below.
  const sharedMlKem = ml_kem768.decapsulate(mlKemCiphertext, recipient.mlKem);
  const key = deriveEnvelopeKey(
    sharedMlKem,
    sharedX25519,
    ephemeralPublic,
    mlKemCiphertext,
    recipient.publicKey,
  );
  wipe(sharedX25519, sharedMlKem);
  try {
    const decipher = createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(concatBytes(header, aad), { plaintextLength: body.length });
    decipher.setAuthTag(tag);
    const plaintext = decipher.update(body);
    try {
      return concatBytes(plaintext, decipher.final());
    } catch (cause) {
      plaintext.fill(0);
      throw new CryptoError(HybridEnvelopeErrorCode.authFailed, 'hybrid envelope failed authentication', {
        cause,
        hint: 'the envelope was altered, or it was sealed to a different key or with different associated data',
      });
    }
  } finally {
    wipe(key);
  }
}
