/**
 * The two KEMs our suites use, on node:crypto: DHKEM(X25519, HKDF-SHA256) from RFC 9180 section 4.1,
 * and X-Wing (draft-connolly-cfrg-xwing-kem: ML-KEM-768 + X25519, SHA3-256 combiner). X-Wing is
 * composed here exactly as @hpke/hybridkem-x-wing (ts-mls's default) does, so keys, ciphertexts and
 * shared secrets match byte for byte: private key = 32-byte seed, expanded with SHAKE256 to 96 bytes
 * (64 for ML-KEM-768 KeyGen, 32 for X25519); public key = pkM || pkX; ciphertext = ctM || ctX.
 * @noble/post-quantum's own XWing export is not used: its encapsulate zeroes the caller's public key.
 */
import {
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CryptoError } from '../../../lib/errors.js';
import { concatBytes, utf8, wipe } from '../../../lib/bytes.js';
import {
  exportRawPrivateKey,
  exportRawPublicKey,
  importRawPrivateKey,
  importRawPublicKey,
} from './keyObjectCache.js';
import { labeledExpand, labeledExtract } from './hpkeLabels.js';
import { cryptoProviderErrorCodes } from './nodePrimitives.js';

export interface HpkeKem {
  readonly id: number;
  readonly publicKeyBytes: number;
  readonly privateKeyBytes: number;
  generateKeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array };
  deriveKeyPair(ikm: Uint8Array): { privateKey: Uint8Array; publicKey: Uint8Array };
  encap(publicKey: Uint8Array): { sharedSecret: Uint8Array; enc: Uint8Array };
  decap(enc: Uint8Array, privateKey: Uint8Array): Uint8Array;
}

const X25519_BYTES = 32;

/**
 * X25519(sk, pk) through OpenSSL, which refuses an all-zero result (a low-order point). The private
 * side is a KeyObject: an ephemeral key is used as generated, and a raw key is imported once by the
 * caller (a PKCS#8 import costs far more than the DH itself).
 */
function x25519(privateKey: KeyObject, publicKey: Uint8Array): Uint8Array {
  if (publicKey.length !== X25519_BYTES)
    throw new CryptoError(cryptoProviderErrorCodes.kemPublicKey, 'X25519 key must be 32 bytes');
  try {
    const shared = diffieHellman({ privateKey, publicKey: importRawPublicKey('x25519', publicKey) });
    const out = new Uint8Array(shared);
    shared.fill(0);
    return out;
  } catch (cause) {
    throw new CryptoError(cryptoProviderErrorCodes.kemDh, 'X25519 key agreement failed', { cause });
  }
}

function importX25519PrivateKey(privateKey: Uint8Array): KeyObject {
  if (privateKey.length !== X25519_BYTES)
    throw new CryptoError(cryptoProviderErrorCodes.kemPrivateKey, 'X25519 key must be 32 bytes');
  return importRawPrivateKey('x25519', privateKey);
}

function x25519PublicKeyOf(privateKey: KeyObject): Uint8Array {
  return exportRawPublicKey(createPublicKey(privateKey));
}

function x25519KeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const pair = generateKeyPairSync('x25519');
  return { privateKey: exportRawPrivateKey(pair.privateKey), publicKey: exportRawPublicKey(pair.publicKey) };
}

const DHKEM_X25519_ID = 0x0020;
const DHKEM_SUITE_ID = concatBytes(utf8('KEM'), Uint8Array.from([0x00, 0x20]));

/** RFC 9180 ExtractAndExpand with the KEM's own KDF (HKDF-SHA256 for X25519, whatever the suite's KDF). */
function dhkemSharedSecret(dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const eaePrk = labeledExtract('sha256', DHKEM_SUITE_ID, new Uint8Array(0), 'eae_prk', dh);
  const secret = labeledExpand('sha256', DHKEM_SUITE_ID, eaePrk, 'shared_secret', kemContext, 32);
  wipe(eaePrk, dh);
  return secret;
}

export const dhkemX25519: HpkeKem = {
  id: DHKEM_X25519_ID,
  publicKeyBytes: X25519_BYTES,
  privateKeyBytes: X25519_BYTES,
  generateKeyPair: x25519KeyPair,
  deriveKeyPair(ikm) {
    const dkpPrk = labeledExtract('sha256', DHKEM_SUITE_ID, new Uint8Array(0), 'dkp_prk', ikm);
    const privateKey = labeledExpand('sha256', DHKEM_SUITE_ID, dkpPrk, 'sk', new Uint8Array(0), X25519_BYTES);
    wipe(dkpPrk);
    return { privateKey, publicKey: x25519PublicKeyOf(importX25519PrivateKey(privateKey)) };
  },
  encap(publicKey) {
    // The ephemeral private key never leaves OpenSSL: no export, no re-import.
    const ephemeral = generateKeyPairSync('x25519');
    const dh = x25519(ephemeral.privateKey, publicKey);
    const enc = exportRawPublicKey(ephemeral.publicKey);
    return { sharedSecret: dhkemSharedSecret(dh, concatBytes(enc, publicKey)), enc };
  },
  decap(enc, privateKey) {
    const key = importX25519PrivateKey(privateKey);
    const dh = x25519(key, enc);
    return dhkemSharedSecret(dh, concatBytes(enc, x25519PublicKeyOf(key)));
  },
};

const XWING_ID = 0x647a;
const MLKEM768_PUBLIC_BYTES = 1184;
const MLKEM768_CIPHERTEXT_BYTES = 1088;
/** The X-Wing label, the six ASCII characters \.//^\ . */
const XWING_LABEL = Uint8Array.from([0x5c, 0x2e, 0x2f, 0x2f, 0x5e, 0x5c]);

function shake256(data: Uint8Array, outputLength: number): Uint8Array {
  return new Uint8Array(createHash('shake256', { outputLength }).update(data).digest());
}

function xwingCombiner(ssM: Uint8Array, ssX: Uint8Array, ctX: Uint8Array, pkX: Uint8Array): Uint8Array {
  const hash = createHash('sha3-256').update(ssM).update(ssX).update(ctX).update(pkX).update(XWING_LABEL);
  return new Uint8Array(hash.digest());
}

interface XWingExpanded {
  skM: Uint8Array;
  skX: KeyObject;
  pkM: Uint8Array;
  pkX: Uint8Array;
}

function xwingExpand(seed: Uint8Array): XWingExpanded {
  if (seed.length !== 32)
    throw new CryptoError(cryptoProviderErrorCodes.kemPrivateKey, 'X-Wing private key must be 32 bytes');
  const expanded = shake256(seed, 96);
  const mlkem = ml_kem768.keygen(expanded.slice(0, 64));
  const skX = importX25519PrivateKey(expanded.subarray(64, 96));
  wipe(expanded);
  // pkX = X25519(skX, 9): the public half of the same key.
  return { skM: mlkem.secretKey, skX, pkM: mlkem.publicKey, pkX: x25519PublicKeyOf(skX) };
}

function xwingKeyPairFromSeed(seed: Uint8Array): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const { skM, pkM, pkX } = xwingExpand(seed);
  wipe(skM);
  return { privateKey: seed, publicKey: concatBytes(pkM, pkX) };
}

export const xwing: HpkeKem = {
  id: XWING_ID,
  publicKeyBytes: MLKEM768_PUBLIC_BYTES + X25519_BYTES,
  privateKeyBytes: 32,
  generateKeyPair: () => xwingKeyPairFromSeed(new Uint8Array(randomBytes(32))),
  // As @hpke/hybridkem-x-wing: the seed is SHAKE256(ikm) truncated to 32 bytes.
  deriveKeyPair: (ikm) => xwingKeyPairFromSeed(shake256(ikm, 32)),
  encap(publicKey) {
    if (publicKey.length !== MLKEM768_PUBLIC_BYTES + X25519_BYTES) {
      throw new CryptoError(cryptoProviderErrorCodes.kemPublicKey, 'X-Wing public key must be 1216 bytes');
    }
    const pkM = publicKey.slice(0, MLKEM768_PUBLIC_BYTES);
    const pkX = publicKey.slice(MLKEM768_PUBLIC_BYTES);
    // ekX is generated inside OpenSSL and never exported: ctX = X25519(ekX, 9) is its public half.
    const ekX = generateKeyPairSync('x25519');
    const ctX = exportRawPublicKey(ekX.publicKey);
    const ssX = x25519(ekX.privateKey, pkX);
    const { cipherText: ctM, sharedSecret: ssM } = ml_kem768.encapsulate(pkM);
    const sharedSecret = xwingCombiner(ssM, ssX, ctX, pkX);
    wipe(ssX, ssM);
    return { sharedSecret, enc: concatBytes(ctM, ctX) };
  },
  decap(enc, privateKey) {
    if (enc.length !== MLKEM768_CIPHERTEXT_BYTES + X25519_BYTES) {
      throw new CryptoError(cryptoProviderErrorCodes.kemCiphertext, 'X-Wing ciphertext must be 1120 bytes');
    }
    const { skM, skX, pkX } = xwingExpand(privateKey);
    const ctX = enc.slice(MLKEM768_CIPHERTEXT_BYTES);
    try {
      const ssM = ml_kem768.decapsulate(enc.slice(0, MLKEM768_CIPHERTEXT_BYTES), skM);
      const ssX = x25519(skX, ctX);
      const sharedSecret = xwingCombiner(ssM, ssX, ctX, pkX);
      wipe(ssM, ssX);
      return sharedSecret;
    } finally {
      wipe(skM);
    }
  },
};
