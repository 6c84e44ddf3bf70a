/**
 * Caches of node:crypto KeyObjects so a raw key is parsed once, not at every signature or DH.
 *
 * Private keys are keyed on the identity of the caller's Uint8Array (a WeakMap, so nothing outlives
 * the caller's array and no secret is turned into a string). ts-mls passes the same array from its
 * ClientState at every message. The entry keeps a copy of the bytes and compares it in constant time
 * on every hit, so an array that was wiped or rewritten in place is never served a stale key.
 *
 * Public keys are not secret: a bounded Map keyed on their hex form, evicting the oldest entry.
 */
import { createPrivateKey, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export type OkpCurve = 'ed25519' | 'x25519';

/** DER prefix of PKCS#8 for a bare 32-byte Ed25519 or X25519 private key (RFC 8410). */
const PKCS8_PREFIX: Record<OkpCurve, Uint8Array> = {
  ed25519: Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
  ]),
  x25519: Uint8Array.from([
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
  ]),
};
const RAW_KEY_BYTES = 32;
const PUBLIC_CACHE_LIMIT = 1024;

/** Imports a 32-byte raw private key, or a PKCS#8 DER key (ts-mls's default provider stores Ed25519 keys so). */
export function importRawPrivateKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  if (raw.length !== RAW_KEY_BYTES) {
    return createPrivateKey({
      key: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength),
      format: 'der',
      type: 'pkcs8',
    });
  }
  const der = Buffer.alloc(PKCS8_PREFIX[curve].length + RAW_KEY_BYTES);
  der.set(PKCS8_PREFIX[curve], 0);
  der.set(raw, PKCS8_PREFIX[curve].length);
  try {
    return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } finally {
    der.fill(0);
  }
}

/**
 * Public keys go through JWK, not SPKI DER: OpenSSL 3's DER decoder and encoder search its provider
 * tables on every call and cost 10-50 times more than the raw-key calls JWK maps to. A public key is
 * no secret, so its base64url string is harmless. (Private keys stay on DER: as JWK they would become
 * strings nobody can wipe.)
 */
const JWK_CURVE: Record<OkpCurve, string> = { ed25519: 'Ed25519', x25519: 'X25519' };

export function importRawPublicKey(curve: OkpCurve, raw: Uint8Array): KeyObject {
  const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
  return createPublicKey({ key: { kty: 'OKP', crv: JWK_CURVE[curve], x }, format: 'jwk' });
}

/** The 32 raw bytes of an Ed25519/X25519 public KeyObject (the `x` of its JWK). */
export function exportRawPublicKey(key: KeyObject): Uint8Array {
  const { x } = key.export({ format: 'jwk' });
  return new Uint8Array(Buffer.from(x ?? '', 'base64url'));
}

/** The 32 raw bytes of an Ed25519/X25519 private KeyObject (the PKCS#8 DER ends with them). */
export function exportRawPrivateKey(key: KeyObject): Uint8Array {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const raw = new Uint8Array(der.subarray(der.length - RAW_KEY_BYTES));
  der.fill(0);
  return raw;
}

interface PrivateEntry {
  copy: Buffer;
  key: KeyObject;
}

export class PrivateKeyCache {
  readonly #entries = new WeakMap<Uint8Array, PrivateEntry>();
  readonly #curve: OkpCurve;

  constructor(curve: OkpCurve) {
    this.#curve = curve;
  }

  get(raw: Uint8Array): KeyObject {
    const hit = this.#entries.get(raw);
    if (hit !== undefined && hit.copy.length === raw.length && timingSafeEqual(hit.copy, raw)) return hit.key;
    hit?.copy.fill(0);
    const key = importRawPrivateKey(this.#curve, raw);
    // Buffer.alloc, not Buffer.from: the copy gets its own memory rather than a slice of Node's
    // shared pool. (The KeyObject's own copy lives inside OpenSSL, out of our reach to wipe.)
    const copy = Buffer.alloc(raw.length);
    copy.set(raw);
    this.#entries.set(raw, { copy, key });
    return key;
  }
}

export class PublicKeyCache {
  readonly #entries = new Map<string, KeyObject>();
  readonly #curve: OkpCurve;

  constructor(curve: OkpCurve) {
    this.#curve = curve;
  }

  get(raw: Uint8Array): KeyObject {
    const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
    const hit = this.#entries.get(id);
    if (hit !== undefined) return hit;
    const key = importRawPublicKey(this.#curve, raw);
    if (this.#entries.size >= PUBLIC_CACHE_LIMIT) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(id, key);
    return key;
  }
}
