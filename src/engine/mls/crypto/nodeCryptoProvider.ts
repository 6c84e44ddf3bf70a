/**
 * A ts-mls CryptoProvider on node:crypto (native Ed25519, X25519, AES-GCM, HMAC/HKDF, SHA-2) with
 * ML-KEM-768 from @noble/post-quantum for X-Wing. It interoperates byte for byte with ts-mls's
 * defaultCryptoProvider; suites it does not cover are delegated to that provider.
 *
 * Usage: pass `nodeCryptoProvider` wherever ts-mls takes a provider, e.g.
 *   const impl = await getCiphersuiteImpl(getCiphersuiteFromName(name), nodeCryptoProvider);
 */
import { randomFillSync } from 'node:crypto';
import {
  defaultCryptoProvider,
  type Ciphersuite,
  type CiphersuiteImpl,
  type CryptoProvider,
  type Rng,
} from 'ts-mls';
import { makeEd25519Signature } from './ed25519Signature.js';
import { dhkemX25519, xwing, type HpkeKem } from './hpkeKems.js';
import { makeNodeHpke } from './nodeHpke.js';
import { makeNodeHash, makeNodeKdf, type NodeAeadName, type NodeHashName } from './nodePrimitives.js';

const HASHES: Partial<Record<string, NodeHashName>> = {
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  'HKDF-SHA256': 'sha256',
  'HKDF-SHA384': 'sha384',
  'HKDF-SHA512': 'sha512',
};
const AEADS: Partial<Record<string, NodeAeadName>> = { AES128GCM: 'aes-128-gcm', AES256GCM: 'aes-256-gcm' };
const KEMS: Partial<Record<string, HpkeKem>> = { 'DHKEM-X25519-HKDF-SHA256': dhkemX25519, 'X-Wing': xwing };

/**
 * ts-mls asks for a few random bytes at every message (the 4-byte reuse guard); one
 * randomFillSync call costs far more than the bytes, so small requests are served from a pool
 * refilled 4 KiB at a time. Bytes handed out are zeroed in the pool.
 */
const RANDOM_POOL_BYTES = 4096;
const RANDOM_POOL_MAX_REQUEST = 256;
const randomPool = new Uint8Array(RANDOM_POOL_BYTES);
let randomPoolOffset = RANDOM_POOL_BYTES;

export const nodeRng: Rng = {
  randomBytes(n) {
    if (n > RANDOM_POOL_MAX_REQUEST) return randomFillSync(new Uint8Array(n));
    if (randomPoolOffset + n > RANDOM_POOL_BYTES) {
      randomFillSync(randomPool);
      randomPoolOffset = 0;
    }
    const out = randomPool.slice(randomPoolOffset, randomPoolOffset + n);
    randomPool.fill(0, randomPoolOffset, randomPoolOffset + n);
    randomPoolOffset += n;
    return out;
  },
};

/** True when every primitive of the suite runs on node:crypto here (otherwise the default provider serves it). */
export function isNativeSuite(cs: Ciphersuite): boolean {
  return (
    cs.signature === 'Ed25519' &&
    HASHES[cs.hash] !== undefined &&
    HASHES[cs.hpke.kdf] !== undefined &&
    AEADS[cs.hpke.aead] !== undefined &&
    KEMS[cs.hpke.kem] !== undefined
  );
}

/** One Ed25519 instance for all suites, so its KeyObject caches are shared. */
const ed25519 = makeEd25519Signature();

export const nodeCryptoProvider: CryptoProvider = {
  async getCiphersuiteImpl(cs: Ciphersuite): Promise<CiphersuiteImpl> {
    const hash = HASHES[cs.hash];
    const kdf = HASHES[cs.hpke.kdf];
    const aead = AEADS[cs.hpke.aead];
    const kem = KEMS[cs.hpke.kem];
    if (
      cs.signature !== 'Ed25519' ||
      hash === undefined ||
      kdf === undefined ||
      aead === undefined ||
      kem === undefined
    ) {
      return defaultCryptoProvider.getCiphersuiteImpl(cs);
    }
    return {
      hash: makeNodeHash(hash),
      kdf: makeNodeKdf(kdf),
      signature: ed25519,
      hpke: makeNodeHpke(kem, kdf, aead),
      rng: nodeRng,
      name: cs.name,
    };
  },
};
