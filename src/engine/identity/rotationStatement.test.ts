import { describe, expect, it } from 'vitest';
import { CryptoError, ValidationError } from '../../lib/errors.js';
import { identityFromSeed } from './identityKey.js';
import { mnemonicToIdentitySeed } from './mnemonic.js';
import {
  RotationErrorCode,
  identityAtIndex,
  identityDerivationPath,
  signRotation,
  verifyRotation,
} from './rotationStatement.js';

const WORDS =
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon ' +
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art';

describe('identity key rotation statement', () => {
  const seed = mnemonicToIdentitySeed(WORDS);

  it('derives index 0 as the first identity and index 1 as another key', () => {
    expect(identityDerivationPath(0)).toBe("m/44'/5328963'/0'/0'/0'");
    expect(identityAtIndex(seed, 0).publicKey).toEqual(identityFromSeed(seed).publicKey);
    expect(identityAtIndex(seed, 1).publicKey).not.toEqual(identityAtIndex(seed, 0).publicKey);
    expect(identityAtIndex(seed, 1).publicKey).toEqual(identityAtIndex(seed, 1).publicKey);
    expect(() => identityDerivationPath(-1)).toThrow(ValidationError);
    expect(() => identityDerivationPath(2 ** 31)).toThrow(ValidationError);
  });

  it('verifies a statement signed by both keys, and nothing altered', () => {
    const previous = identityAtIndex(seed, 0);
    const next = identityAtIndex(seed, 1);
    const statement = signRotation('alice', previous, next, 1, 1_700_000_000_000);
    expect(() => verifyRotation(statement)).not.toThrow();
    const altered = [
      { ...statement, username: 'mallory' },
      { ...statement, keyIndex: 2 },
      { ...statement, issuedAt: statement.issuedAt + 1 },
      { ...statement, newKey: identityAtIndex(seed, 2).publicKey },
      { ...statement, newSignature: statement.previousSignature },
    ];
    for (const bad of altered) {
      expect(() => verifyRotation(bad)).toThrow(CryptoError);
    }
    try {
      verifyRotation(altered[0]!);
    } catch (error) {
      expect((error as CryptoError).code).toBe(RotationErrorCode.badSignature);
    }
  });

  it('refuses a statement made by the new key alone', () => {
    const stranger = identityAtIndex(mnemonicToIdentitySeed(WORDS, 'other'), 0);
    const previous = identityAtIndex(seed, 0);
    const next = identityAtIndex(seed, 1);
    // The attacker holds only the new key: signs with it for both roles, claiming the victim's old key.
    const forged = signRotation('alice', { ...stranger, publicKey: previous.publicKey }, next, 1, 5);
    expect(() => verifyRotation(forged)).toThrow(CryptoError);
  });
});
