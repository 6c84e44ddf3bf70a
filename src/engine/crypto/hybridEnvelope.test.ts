import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { x25519 } from '@noble/curves/ed25519.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import { CodecError, CryptoError } from '../../lib/errors.js';
import { concatBytes, toHex, utf8 } from '../../lib/bytes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import {
  HEADER_LENGTH,
  HYBRID_ENVELOPE_OVERHEAD,
  openHybridEnvelope,
  sealHybridEnvelope,
} from './hybridEnvelope.js';
import {
  HYBRID_PUBLIC_KEY_LENGTH,
  decodeHybridPrivateKey,
  decodeHybridPublicKey,
  encodeHybridPrivateKey,
  encodeHybridPublicKey,
  generateHybridKeyPair,
  hybridKeyPairFromSeed,
} from './hybridKeys.js';

const recipient = generateHybridKeyPair();
const message = utf8('welcome to the group');

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('hybrid keys', () => {
  it('round-trips public and private keys', () => {
    const encoded = encodeHybridPublicKey(recipient.publicKey);
    expect(encoded).toHaveLength(HYBRID_PUBLIC_KEY_LENGTH);
    const decoded = decodeHybridPublicKey(encoded);
    expect(toHex(encodeHybridPublicKey(decoded))).toBe(toHex(encoded));
    const privateCopy = decodeHybridPrivateKey(encodeHybridPrivateKey(recipient));
    expect(toHex(encodeHybridPublicKey(privateCopy.publicKey))).toBe(toHex(encoded));
    expect(openHybridEnvelope(privateCopy, sealHybridEnvelope(decoded, message))).toEqual(message);
  });

  it('derives the same pair from the same 96-byte seed, matching noble X25519 and ML-KEM', () => {
    const seed = new Uint8Array(randomBytes(96));
    const first = hybridKeyPairFromSeed(seed);
    const second = decodeHybridPrivateKey(seed);
    expect(toHex(encodeHybridPublicKey(second.publicKey))).toBe(
      toHex(encodeHybridPublicKey(first.publicKey)),
    );
    expect(toHex(first.publicKey.x25519)).toBe(toHex(x25519.getPublicKey(seed.slice(0, 32))));
    expect(toHex(first.publicKey.mlKem)).toBe(toHex(ml_kem768.keygen(seed.slice(32)).publicKey));
  });

  it('refuses keys of the wrong length with a CodecError', () => {
    expect(caught(() => decodeHybridPublicKey(new Uint8Array(100)))).toBeInstanceOf(CodecError);
    expect(caught(() => decodeHybridPrivateKey(new Uint8Array(100)))).toMatchObject({
      code: 'HYBRID_KEY_BAD_LENGTH',
    });
  });
});

describe('hybrid envelope', () => {
  it('seals and opens, with and without associated data', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, message);
    expect(envelope).toHaveLength(HYBRID_ENVELOPE_OVERHEAD + message.length);
    expect(envelope[0]).toBe(1);
    expect(openHybridEnvelope(recipient, envelope)).toEqual(message);
    const aad = utf8('group-42');
    expect(openHybridEnvelope(recipient, sealHybridEnvelope(recipient.publicKey, message, aad), aad)).toEqual(
      message,
    );
    expect(
      openHybridEnvelope(recipient, sealHybridEnvelope(recipient.publicKey, new Uint8Array())),
    ).toHaveLength(0);
  });

  it('uses a fresh ephemeral key, ML-KEM ciphertext and nonce every time', () => {
    const a = sealHybridEnvelope(recipient.publicKey, message);
    const b = sealHybridEnvelope(recipient.publicKey, message);
    expect(toHex(a.subarray(1, HEADER_LENGTH))).not.toBe(toHex(b.subarray(1, HEADER_LENGTH)));
  });

  it('the ML-KEM ciphertext decapsulates to a secret the recipient shares', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, message);
    const ciphertext = envelope.subarray(33, 33 + 1088);
    expect(ml_kem768.decapsulate(ciphertext, recipient.mlKem)).toHaveLength(32);
  });

  // Every region of the envelope is covered: version is checked, header is associated data, body and tag
  // are authenticated, and eph_pk / mlkem_ct also feed the key derivation.
  for (const [region, index] of [
    ['eph_pk', 5],
    ['mlkem_ct', 500],
    ['nonce', HEADER_LENGTH - 3],
    ['ciphertext', HEADER_LENGTH + 2],
    ['tag', -1],
  ] as const) {
    it(`a flipped bit in ${region} fails with ENVELOPE_AUTH_FAILED`, () => {
      const envelope = sealHybridEnvelope(recipient.publicKey, message);
      const at = index < 0 ? envelope.length + index : index;
      envelope[at]! ^= 0x01;
      const error = caught(() => openHybridEnvelope(recipient, envelope));
      expect(error).toBeInstanceOf(CryptoError);
      expect(error).toMatchObject({ code: 'ENVELOPE_AUTH_FAILED' });
    });
  }

  it('different associated data fails authentication', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, message, utf8('a'));
    expect(caught(() => openHybridEnvelope(recipient, envelope, utf8('b')))).toMatchObject({
      code: 'ENVELOPE_AUTH_FAILED',
    });
  });

  it('a different recipient key fails authentication', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, message);
    const error = caught(() => openHybridEnvelope(generateHybridKeyPair(), envelope));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error).toMatchObject({ code: 'ENVELOPE_AUTH_FAILED' });
  });

  it('an unknown version is a CodecError', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, message);
    envelope[0] = 2;
    const error = caught(() => openHybridEnvelope(recipient, envelope));
    expect(error).toBeInstanceOf(CodecError);
    expect(error).toMatchObject({ code: 'ENVELOPE_BAD_VERSION' });
  });

  it('truncated input is a CodecError, whatever the length', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, new Uint8Array());
    for (const length of [0, 1, HEADER_LENGTH, envelope.length - 1]) {
      const error = caught(() => openHybridEnvelope(recipient, envelope.subarray(0, length)));
      expect(error).toBeInstanceOf(CodecError);
      expect(error).toMatchObject({ code: 'ENVELOPE_TRUNCATED' });
    }
  });

  it('a low-order X25519 ephemeral key is a CryptoError, not a crash', () => {
    const envelope = sealHybridEnvelope(recipient.publicKey, message);
    envelope.fill(0, 1, 33); // the all-zero point
    const error = caught(() => openHybridEnvelope(recipient, envelope));
    expect(error).toBeInstanceOf(CryptoError);
    expect(error).toMatchObject({ code: 'ENVELOPE_BAD_KEY' });
  });
});

describe('hybrid envelope KDF as documented in docs/identity.md', () => {
  it('an independent open with noble X25519, HKDF and ChaCha20-Poly1305 recovers the plaintext', () => {
    const aad = utf8('context');
    const envelope = sealHybridEnvelope(recipient.publicKey, message, aad);
    const ephemeralPublic = envelope.subarray(1, 33);
    const mlKemCiphertext = envelope.subarray(33, 33 + 1088);
    const nonce = envelope.subarray(33 + 1088, HEADER_LENGTH);
    const sharedX25519 = x25519.getSharedSecret(recipient.x25519, ephemeralPublic);
    const sharedMlKem = ml_kem768.decapsulate(mlKemCiphertext, recipient.mlKem);
    const salt = sha256(
      concatBytes(ephemeralPublic, mlKemCiphertext, recipient.publicKey.x25519, recipient.publicKey.mlKem),
    );
    const info = concatBytes(utf8('quicprochat hybrid envelope'), new Uint8Array([1]));
    const key = hkdf(sha256, concatBytes(sharedMlKem, sharedX25519), salt, info, 32);
    const aead = chacha20poly1305(key, nonce, concatBytes(envelope.subarray(0, HEADER_LENGTH), aad));
    expect(toHex(aead.decrypt(envelope.subarray(HEADER_LENGTH)))).toBe(toHex(message));
  });
});
