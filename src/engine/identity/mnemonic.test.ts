import { describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { mnemonicToEntropy } from '@scure/bip39';
import { wordlist as englishWordlist } from '@scure/bip39/wordlists/english.js';
import { MnemonicChecksumError, UnknownMnemonicWordError } from './errors.js';
import { generateIdentityMnemonic, mnemonicToIdentitySeed, validateIdentityMnemonic } from './mnemonic.js';
import { bip39EnglishVectors, bip39Passphrase } from './vectors/bip39English.js';

describe('BIP39 (Trezor English vectors, passphrase TREZOR)', () => {
  it('covers 12, 18 and 24 word mnemonics', () => {
    const counts = new Set(bip39EnglishVectors.map((vector) => vector.mnemonic.split(' ').length));
    expect([...counts].sort()).toEqual([12, 18, 24]);
  });

  for (const vector of bip39EnglishVectors) {
    it(`seed of "${vector.mnemonic.split(' ').slice(0, 3).join(' ')}..." (${vector.entropy.length * 4} bits)`, () => {
      expect(toHex(mnemonicToIdentitySeed(vector.mnemonic, bip39Passphrase))).toBe(vector.seed);
      expect(toHex(mnemonicToEntropy(vector.mnemonic, englishWordlist))).toBe(vector.entropy);
    });
  }

  it('the passphrase changes the seed', () => {
    const vector = bip39EnglishVectors[0]!;
    expect(toHex(mnemonicToIdentitySeed(vector.mnemonic))).not.toBe(vector.seed);
  });
});

describe('mnemonic validation', () => {
  const twelve = bip39EnglishVectors[0]!.mnemonic;

  it('generates 24 words by default and 12 on request, both valid', () => {
    const long = generateIdentityMnemonic();
    const short = generateIdentityMnemonic(12);
    expect(long.split(' ')).toHaveLength(24);
    expect(short.split(' ')).toHaveLength(12);
    expect(validateIdentityMnemonic(long)).toBe(long);
    expect(validateIdentityMnemonic(short)).toBe(short);
    expect(generateIdentityMnemonic()).not.toBe(long);
  });

  it('normalizes case and spacing', () => {
    expect(validateIdentityMnemonic(`  ${twelve.toUpperCase().replaceAll(' ', '  \n')} `)).toBe(twelve);
  });

  it('names the unknown word and its position', () => {
    const words = twelve.split(' ');
    words[4] = 'abandn';
    const error = (() => {
      try {
        validateIdentityMnemonic(words.join(' '));
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownMnemonicWordError);
    expect(error).toMatchObject({ code: 'MNEMONIC_UNKNOWN_WORD', position: 5 });
    expect((error as Error).message).toContain('word 5 ("abandn")');
  });

  it('reports a bad checksum separately from an unknown word', () => {
    const words = twelve.split(' ');
    words[11] = 'abandon'; // a real word, wrong checksum
    expect(() => validateIdentityMnemonic(words.join(' '))).toThrow(MnemonicChecksumError);
    expect(() => mnemonicToIdentitySeed(words.join(' '))).toThrow(/checksum/);
  });

  it('rejects a wrong word count', () => {
    expect(() => validateIdentityMnemonic('abandon abandon about')).toThrow(
      expect.objectContaining({ code: 'MNEMONIC_BAD_LENGTH' }),
    );
  });
});
