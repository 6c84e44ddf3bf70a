import { sign, verify, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex, fromHex } from '../../lib/bytes.js';
import { fingerprintOf } from './fingerprint.js';
import { IDENTITY_DERIVATION_PATH, identityFromMnemonic, identityFromSeed } from './identityKey.js';
import { mnemonicToIdentitySeed } from './mnemonic.js';
import { deriveSlip10Ed25519 } from './slip10.js';
import { bip39EnglishVectors } from './vectors/bip39English.js';
import { slip10Ed25519Vectors } from './vectors/slip10Ed25519.js';

describe('identity key', () => {
  const mnemonic = bip39EnglishVectors[8]!.mnemonic; // 24 words

  it('is the SLIP-0010 node at the documented path of the BIP39 seed', () => {
    expect(IDENTITY_DERIVATION_PATH).toBe("m/44'/5328963'/0'/0'/0'");
    const identity = identityFromMnemonic(mnemonic, 'pass');
    const node = deriveSlip10Ed25519(mnemonicToIdentitySeed(mnemonic, 'pass'), IDENTITY_DERIVATION_PATH);
    expect(toHex(identity.privateKey)).toBe(toHex(node.privateKey));
    expect(toHex(identity.publicKey)).toBe(toHex(node.publicKey));
    expect(toHex(identityFromMnemonic(mnemonic).publicKey)).not.toBe(toHex(identity.publicKey));
  });

  it('signs with node:crypto and verifies against the derived public key', () => {
    const identity = identityFromSeed(fromHex(slip10Ed25519Vectors[0]!.seed));
    const pkcs8 = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      identity.privateKey,
    ]);
    const privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), identity.publicKey]);
    const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const signature = sign(null, Buffer.from('hello'), privateKey);
    expect(verify(null, Buffer.from('hello'), publicKey, signature)).toBe(true);
  });
});

describe('fingerprint', () => {
  it('is SHA-256 of the public key in 16 groups of 4 hex digits, short = first 4', () => {
    // RFC 8032 test 1 public key for the shape; the exact digest is checked on 32 zero bytes, whose
    // SHA-256 is a widely published constant.
    const publicKey = fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const fingerprint = fingerprintOf(publicKey);
    expect(fingerprint.hex).toMatch(/^[0-9a-f]{64}$/u);
    expect(fingerprint.grouped.split(' ')).toHaveLength(16);
    expect(fingerprint.grouped.replaceAll(' ', '')).toBe(fingerprint.hex);
    expect(fingerprint.short).toBe(fingerprint.grouped.split(' ').slice(0, 4).join('-'));
    expect(fingerprintOf(new Uint8Array(32)).hex).toBe(
      '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925',
    );
  });
});
