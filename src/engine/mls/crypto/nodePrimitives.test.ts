import { randomBytes } from 'node:crypto';
import { defaultCryptoProvider, getCiphersuiteFromName, type CiphersuiteImpl } from 'ts-mls';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../lib/bytes.js';
import { CryptoError } from '../../../lib/errors.js';
import { aeadOpen, aeadSeal, hkdfExpand, hkdfExtract, makeNodeHash, makeNodeKdf } from './nodePrimitives.js';

const CLASSICAL = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';
const POST_QUANTUM = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519';

describe('HKDF, RFC 5869 test case 1 (SHA-256)', () => {
  const ikm = fromHex('0b'.repeat(22));
  const salt = fromHex('000102030405060708090a0b0c');
  const info = fromHex('f0f1f2f3f4f5f6f7f8f9');

  it('extracts the published PRK', () => {
    expect(toHex(hkdfExtract('sha256', salt, ikm))).toBe(
      '077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5',
    );
  });

  it('expands to the published 42-byte OKM (two HMAC blocks)', () => {
    const prk = hkdfExtract('sha256', salt, ikm);
    expect(toHex(hkdfExpand('sha256', prk, info, 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('refuses lengths beyond 255 blocks', () => {
    expect(() => hkdfExpand('sha256', new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(
      CryptoError,
    );
  });
});

describe.each([
  ['SHA-256 suite', CLASSICAL, 'sha256'],
  ['SHA-512 suite', POST_QUANTUM, 'sha512'],
] as const)('node primitives agree with ts-mls default (%s)', (_label, suite, hash) => {
  let reference: CiphersuiteImpl;
  beforeAll(async () => {
    reference = await defaultCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(suite));
  });

  it('digest gives the same bytes', async () => {
    for (const length of [0, 1, 100, 1000]) {
      const data = randomBytes(length);
      expect(toHex(await makeNodeHash(hash).digest(data))).toBe(toHex(await reference.hash.digest(data)));
    }
  });

  it('mac gives the same bytes and verifyMac accepts it, rejects a flipped bit', async () => {
    const key = randomBytes(32);
    const data = randomBytes(77);
    const ours = makeNodeHash(hash);
    const mac = await ours.mac(key, data);
    expect(toHex(mac)).toBe(toHex(await reference.hash.mac(key, data)));
    expect(await ours.verifyMac(key, mac, data)).toBe(true);
    const flipped = Uint8Array.from(mac);
    flipped[0]! ^= 1;
    expect(await ours.verifyMac(key, flipped, data)).toBe(false);
    expect(await ours.verifyMac(key, mac.subarray(1), data)).toBe(false);
  });

  it('extract and expand give the same bytes (empty salt, one block, many blocks)', async () => {
    const ours = makeNodeKdf(hash);
    expect(ours.size).toBe(reference.kdf.size);
    for (const salt of [new Uint8Array(0), randomBytes(ours.size)]) {
      const ikm = randomBytes(48);
      const prk = await ours.extract(salt, ikm);
      expect(toHex(prk)).toBe(toHex(await reference.kdf.extract(salt, ikm)));
      for (const length of [1, 12, 16, 32, 64, 100, 200]) {
        const info = randomBytes(length % 50);
        expect(toHex(await ours.expand(prk, info, length))).toBe(
          toHex(await reference.kdf.expand(prk, info, length)),
        );
      }
    }
  });
});

describe.each([
  ['aes-128-gcm', CLASSICAL, 16],
  ['aes-256-gcm', POST_QUANTUM, 32],
] as const)('%s agrees with ts-mls default', (aead, suite, keyBytes) => {
  let reference: CiphersuiteImpl;
  beforeAll(async () => {
    reference = await defaultCryptoProvider.getCiphersuiteImpl(getCiphersuiteFromName(suite));
  });

  it('seals to the same bytes, with and without AAD, and each side opens the other', async () => {
    for (const aad of [new Uint8Array(0), randomBytes(21)]) {
      const key = randomBytes(keyBytes);
      const nonce = randomBytes(12);
      const plaintext = randomBytes(100);
      const ours = aeadSeal(aead, key, nonce, aad, plaintext);
      const theirs = await reference.hpke.encryptAead(key, nonce, aad, plaintext);
      expect(toHex(ours)).toBe(toHex(theirs));
      expect(toHex(await reference.hpke.decryptAead(key, nonce, aad, ours))).toBe(toHex(plaintext));
      expect(toHex(aeadOpen(aead, key, nonce, aad, theirs))).toBe(toHex(plaintext));
    }
  });

  it('rejects a tampered ciphertext, a wrong AAD and a short input with CryptoError', () => {
    const key = randomBytes(keyBytes);
    const nonce = randomBytes(12);
    const sealed = aeadSeal(aead, key, nonce, new Uint8Array([1]), new Uint8Array([1, 2, 3]));
    const tampered = Uint8Array.from(sealed);
    tampered[0]! ^= 1;
    expect(() => aeadOpen(aead, key, nonce, new Uint8Array([1]), tampered)).toThrow(CryptoError);
    expect(() => aeadOpen(aead, key, nonce, new Uint8Array([2]), sealed)).toThrow(CryptoError);
    expect(() => aeadOpen(aead, key, nonce, new Uint8Array([1]), sealed.subarray(0, 15))).toThrow(
      CryptoError,
    );
  });
});
