/**
 * Hash, HMAC, HKDF and AES-GCM on node:crypto, shaped as ts-mls's `Hash`, `Kdf` and AEAD functions.
 * These sit on the hot path of every MLS application message (secret-tree ratchet, sender-data key,
 * content AEAD), so they avoid WebCrypto's per-call key import and promise round trips.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hash as oneShotHash,
  timingSafeEqual,
} from 'node:crypto';
import type { Hash, Kdf } from 'ts-mls';
import { CryptoError } from '../../../lib/errors.js';
import { settle } from './settle.js';

/** Codes of the node:crypto provider for ts-mls (values kept from its first release). */
export const cryptoProviderErrorCodes = {
  kemPublicKey: 'crypto.kem_public_key',
  kemPrivateKey: 'crypto.kem_private_key',
  kemCiphertext: 'crypto.kem_ciphertext',
  kemDh: 'crypto.kem_dh',
  hpkeKey: 'crypto.hpke_key',
  hpkeDecap: 'crypto.hpke_decap',
  hkdfLength: 'crypto.hkdf_length',
  aeadParams: 'crypto.aead_params',
  /** A ciphertext that does not authenticate: the message cannot be opened. */
  aeadOpen: 'crypto.aead_open',
} as const;

export type NodeHashName = 'sha256' | 'sha384' | 'sha512';
export type NodeAeadName = 'aes-128-gcm' | 'aes-256-gcm';

const GCM_TAG_BYTES = 16;
const GCM_NONCE_BYTES = 12;

export function hashOutputBytes(hash: NodeHashName): number {
  return hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64;
}

/**
 * Node Buffers are Uint8Array subclasses; callers get a plain Uint8Array, as WebCrypto gives. A digest
 * owns its whole ArrayBuffer, so a view is enough; a Buffer inside Node's shared pool is copied out
 * (a view would keep the pool alive and let a wipe of it reach other buffers).
 */
function plain(buffer: Buffer): Uint8Array {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) {
    return new Uint8Array(buffer.buffer, 0, buffer.byteLength);
  }
  return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
}

/** crypto.hash (Node >= 20.12) is a one-shot digest that skips creating a Hash object. */
export function digest(hash: NodeHashName, data: Uint8Array): Uint8Array {
  return plain(oneShotHash(hash, data, 'buffer'));
}

export function hmac(hash: NodeHashName, key: Uint8Array, data: Uint8Array): Uint8Array {
  return plain(createHmac(hash, key).update(data).digest());
}

/** RFC 5869 HKDF-Extract. An empty salt gives the same HMAC key as HashLen zero bytes (HMAC zero-pads keys). */
export function hkdfExtract(hash: NodeHashName, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return hmac(hash, salt, ikm);
}

/** RFC 5869 HKDF-Expand. node:crypto's hkdf always extracts first, so expand-only is written out here. */
export function hkdfExpand(
  hash: NodeHashName,
  prk: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const hashLen = hashOutputBytes(hash);
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen) {
    throw new CryptoError(cryptoProviderErrorCodes.hkdfLength, `HKDF-Expand length ${length} out of range`);
  }
  if (length <= hashLen) return expandOneBlock(hash, prk, info, length);
  const blocks = Math.ceil(length / hashLen);
  const out = new Uint8Array(blocks * hashLen);
  const counter = new Uint8Array(1);
  let previous: Buffer | undefined;
  for (let i = 0; i < blocks; i++) {
    counter[0] = i + 1;
    const mac = createHmac(hash, prk);
    if (previous !== undefined) {
      mac.update(previous);
      previous.fill(0);
    }
    previous = mac.update(info).update(counter).digest();
    out.set(previous, i * hashLen);
  }
  previous?.fill(0);
  if (out.length === length) return out;
  const trimmed = out.slice(0, length);
  out.fill(0);
  return trimmed;
}

const FIRST_BLOCK = Uint8Array.of(1);

/** The common case of the MLS key schedule (keys, nonces, secrets): T(1) alone, trimmed in place. */
function expandOneBlock(hash: NodeHashName, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const block = createHmac(hash, prk).update(info).update(FIRST_BLOCK).digest();
  if (length === block.length) return plain(block);
  const out = new Uint8Array(block.subarray(0, length));
  block.fill(0);
  return out;
}

export function aeadKeyBytes(aead: NodeAeadName): number {
  return aead === 'aes-128-gcm' ? 16 : 32;
}

export function aeadSeal(
  aead: NodeAeadName,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
): Uint8Array {
  if (key.length !== aeadKeyBytes(aead) || nonce.length !== GCM_NONCE_BYTES) {
    throw new CryptoError(cryptoProviderErrorCodes.aeadParams, 'AEAD key or nonce has the wrong length');
  }
  const cipher = createCipheriv(aead, key, nonce, { authTagLength: GCM_TAG_BYTES });
  if (aad.length > 0) cipher.setAAD(aad);
  const body = cipher.update(plaintext);
  const tail = cipher.final();
  const tag = cipher.getAuthTag();
  const out = new Uint8Array(body.length + tail.length + tag.length);
  out.set(body, 0);
  out.set(tail, body.length);
  out.set(tag, body.length + tail.length);
  return out;
}

export function aeadOpen(
  aead: NodeAeadName,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  if (
    key.length !== aeadKeyBytes(aead) ||
    nonce.length !== GCM_NONCE_BYTES ||
    ciphertext.length < GCM_TAG_BYTES
  ) {
    throw new CryptoError(
      cryptoProviderErrorCodes.aeadParams,
      'AEAD key, nonce or ciphertext has the wrong length',
    );
  }
  const split = ciphertext.length - GCM_TAG_BYTES;
  try {
    const decipher = createDecipheriv(aead, key, nonce, { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(ciphertext.subarray(split));
    if (aad.length > 0) decipher.setAAD(aad);
    const body = decipher.update(ciphertext.subarray(0, split));
    const tail = decipher.final();
    const out = new Uint8Array(body.length + tail.length);
    out.set(body, 0);
    out.set(tail, body.length);
    body.fill(0);
    return out;
  } catch (cause) {
    throw new CryptoError(cryptoProviderErrorCodes.aeadOpen, 'AEAD authentication failed', { cause });
  }
}

export function makeNodeHash(hash: NodeHashName): Hash {
  return {
    digest: (data) => settle(() => digest(hash, data)),
    mac: (key, data) => settle(() => hmac(hash, key, data)),
    verifyMac: (key, mac, data) =>
      settle(() => {
        const expected = hmac(hash, key, data);
        return expected.length === mac.length && timingSafeEqual(expected, mac);
      }),
  };
}

export function makeNodeKdf(hash: NodeHashName): Kdf {
  return {
    extract: (salt, ikm) => settle(() => hkdfExtract(hash, salt, ikm)),
    expand: (prk, info, len) => settle(() => hkdfExpand(hash, prk, info, len)),
    size: hashOutputBytes(hash),
  };
}
