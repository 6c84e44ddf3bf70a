import { createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CodecError, ValidationError } from '../../lib/errors.js';
import { concatBytes, wipe } from '../../lib/bytes.js';
import { EngineErrorCode } from '../engineErrors.js';

export const X25519_KEY_LENGTH = 32;
export const MLKEM768_PUBLIC_KEY_LENGTH = 1184;
export const MLKEM768_SECRET_KEY_LENGTH = 2400;
export const MLKEM768_CIPHERTEXT_LENGTH = 1088;
/** Public key wire form: x25519 pk (32) || ML-KEM-768 encapsulation key (1184). */
export const HYBRID_PUBLIC_KEY_LENGTH = X25519_KEY_LENGTH + MLKEM768_PUBLIC_KEY_LENGTH;
/** Expanded private key: x25519 sk (32) || ML-KEM-768 decapsulation key (2400, which embeds its public key). */
export const HYBRID_PRIVATE_KEY_LENGTH = X25519_KEY_LENGTH + MLKEM768_SECRET_KEY_LENGTH;
/** Compact private key: x25519 sk (32) || ML-KEM-768 keygen seed d||z (64). */
export const HYBRID_SEED_LENGTH = X25519_KEY_LENGTH + 64;

// DER prefix for a raw X25519 private key (RFC 8410): imported from PKCS#8 DER so no JWK string holds it.
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export interface HybridPublicKey {
  readonly x25519: Uint8Array;
  readonly mlKem: Uint8Array;
  /** Imported once and reused: importing per operation costs more than the X25519 exchange itself. */
  readonly x25519Key: KeyObject;
}

export interface HybridPrivateKey {
  /** Secret. */
  readonly x25519: Uint8Array;
  /** Secret: the ML-KEM-768 decapsulation key. */
  readonly mlKem: Uint8Array;
  readonly x25519Key: KeyObject;
  readonly publicKey: HybridPublicKey;
}

export function importX25519PublicKey(raw: Uint8Array): KeyObject {
  if (raw.length !== X25519_KEY_LENGTH) {
    throw new CodecError(
      EngineErrorCode.hybridKeyBadLength,
      `an X25519 public key has 32 bytes, got ${raw.length}`,
    );
  }
  // JWK, not SPKI DER: OpenSSL 3 looks up a decoder for every DER import (about 10x slower), and an
  // envelope opened imports its sender's ephemeral key each time. The key is public: a string is fine.
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

function importX25519PrivateKey(raw: Uint8Array): KeyObject {
  const der = Buffer.concat([X25519_PKCS8_PREFIX, raw]);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

/**
 * The raw 32 bytes of an X25519 key. A public key comes out of its JWK (a DER export costs about 50x
 * more, and every sealed envelope exports its ephemeral public key); a private key out of the last 32
 * bytes of its PKCS#8 DER, which can be wiped where a JWK string could not.
 */
export function rawX25519(key: KeyObject): Uint8Array {
  if (key.type !== 'private') {
    const { x } = key.export({ format: 'jwk' });
    return new Uint8Array(Buffer.from(x ?? '', 'base64url'));
  }
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const raw = new Uint8Array(der.subarray(der.length - X25519_KEY_LENGTH));
  der.fill(0);
  return raw;
}

function buildPrivateKey(
  x25519Secret: Uint8Array,
  mlKemSecret: Uint8Array,
  mlKemPublic: Uint8Array,
): HybridPrivateKey {
  const x25519Key = importX25519PrivateKey(x25519Secret);
  const x25519PublicKey = createPublicKey(x25519Key);
  const publicKey: HybridPublicKey = {
    x25519: rawX25519(x25519PublicKey),
    mlKem: mlKemPublic,
    x25519Key: x25519PublicKey,
  };
  return { x25519: x25519Secret, mlKem: mlKemSecret, x25519Key, publicKey };
}

/** Deterministic key pair from 96 bytes (x25519 sk || ML-KEM seed); the seed is copied, not kept. */
export function hybridKeyPairFromSeed(seed: Uint8Array): HybridPrivateKey {
  if (seed.length !== HYBRID_SEED_LENGTH) {
    throw new ValidationError(
      EngineErrorCode.hybridSeedBadLength,
      `a hybrid key seed has ${HYBRID_SEED_LENGTH} bytes, got ${seed.length}`,
    );
  }
  const mlKemSeed = seed.slice(X25519_KEY_LENGTH);
  const mlKem = ml_kem768.keygen(mlKemSeed);
  wipe(mlKemSeed);
  return buildPrivateKey(seed.slice(0, X25519_KEY_LENGTH), mlKem.secretKey, mlKem.publicKey);
}

export function generateHybridKeyPair(): HybridPrivateKey {
  const seed = new Uint8Array(randomBytes(HYBRID_SEED_LENGTH));
  try {
    return hybridKeyPairFromSeed(seed);
  } finally {
    wipe(seed);
  }
}

export function encodeHybridPublicKey(publicKey: HybridPublicKey): Uint8Array {
  return concatBytes(publicKey.x25519, publicKey.mlKem);
}

export function decodeHybridPublicKey(bytes: Uint8Array): HybridPublicKey {
  if (bytes.length !== HYBRID_PUBLIC_KEY_LENGTH) {
    throw new CodecError(
      EngineErrorCode.hybridKeyBadLength,
      `a hybrid public key has ${HYBRID_PUBLIC_KEY_LENGTH} bytes, got ${bytes.length}`,
    );
  }
  const x25519 = bytes.slice(0, X25519_KEY_LENGTH);
  return { x25519, mlKem: bytes.slice(X25519_KEY_LENGTH), x25519Key: importX25519PublicKey(x25519) };
}

/** Expanded form (2432 bytes); secret: the caller wipes it after storing. */
export function encodeHybridPrivateKey(privateKey: HybridPrivateKey): Uint8Array {
  return concatBytes(privateKey.x25519, privateKey.mlKem);
}

/** Accepts the expanded form (2432 bytes) or the 96-byte seed form. The input is copied, not kept. */
export function decodeHybridPrivateKey(bytes: Uint8Array): HybridPrivateKey {
  if (bytes.length === HYBRID_SEED_LENGTH) return hybridKeyPairFromSeed(bytes);
  if (bytes.length !== HYBRID_PRIVATE_KEY_LENGTH) {
    throw new CodecError(
      EngineErrorCode.hybridKeyBadLength,
      `a hybrid private key has ${HYBRID_PRIVATE_KEY_LENGTH} (or ${HYBRID_SEED_LENGTH}) bytes, got ${bytes.length}`,
    );
  }
  const mlKemSecret = bytes.slice(X25519_KEY_LENGTH);
  // FIPS 203 dk = dk_PKE (1152) || ek (1184) || H(ek) (32) || z (32): the public key is inside.
  const mlKemPublic = mlKemSecret.slice(1152, 1152 + MLKEM768_PUBLIC_KEY_LENGTH);
  return buildPrivateKey(bytes.slice(0, X25519_KEY_LENGTH), mlKemSecret, mlKemPublic);
}

/** Overwrites the raw secret bytes (the KeyObject copy lives in OpenSSL memory and is freed by GC). */
export function wipeHybridPrivateKey(privateKey: HybridPrivateKey): void {
  wipe(privateKey.x25519, privateKey.mlKem);
}
