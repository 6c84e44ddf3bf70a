import { generateMnemonic, mnemonicToEntropy, mnemonicToSeedSync } from '@scure/bip39';
import { wordlist as englishWordlist } from '@scure/bip39/wordlists/english.js';
import { ValidationError } from '../../lib/errors.js';
import { wipe } from '../../lib/bytes.js';
import { IdentityErrorCode, MnemonicChecksumError, UnknownMnemonicWordError } from './errors.js';

/** Word counts a user may choose for a new identity: 24 (256-bit entropy, default) or 12 (128-bit). */
export type MnemonicWordCount = 12 | 24;

/** Word counts BIP39 defines; restoring accepts all of them even though we only generate 12 or 24. */
const VALID_WORD_COUNTS = new Set([12, 15, 18, 21, 24]);

const englishWords = new Set(englishWordlist);

/** A fresh English BIP39 mnemonic from the platform CSPRNG (through @scure/bip39). */
export function generateIdentityMnemonic(words: MnemonicWordCount = 24): string {
  if (words !== 12 && words !== 24) {
    throw new ValidationError(
      IdentityErrorCode.badWordCount,
      `a new mnemonic has 12 or 24 words, not ${String(words)}`,
    );
  }
  return generateMnemonic(englishWordlist, words === 24 ? 256 : 128);
}

/**
 * Normalizes typed input (NFKD, lower case, single spaces) and checks it word by word, then the checksum,
 * so a typo and a wrong-but-valid word give different errors. Returns the normalized mnemonic.
 */
export function validateIdentityMnemonic(mnemonic: string): string {
  const words = mnemonic
    .normalize('NFKD')
    .toLowerCase()
    .trim()
    .split(/\s+/u)
    .filter((word) => word !== '');
  if (!VALID_WORD_COUNTS.has(words.length)) {
    throw new ValidationError(
      IdentityErrorCode.badLength,
      `a mnemonic has 12, 15, 18, 21 or 24 words, got ${words.length}`,
    );
  }
  words.forEach((word, index) => {
    if (!englishWords.has(word)) throw new UnknownMnemonicWordError(index + 1, word);
  });
  const normalized = words.join(' ');
  let entropy: Uint8Array;
  try {
    entropy = mnemonicToEntropy(normalized, englishWordlist);
  } catch {
    // Every word is in the list and the count is valid, so the only failure left is the checksum.
    throw new MnemonicChecksumError();
  }
  wipe(entropy);
  return normalized;
}

/** BIP39 seed (PBKDF2-HMAC-SHA512, 2048 rounds): 64 bytes. The caller wipes it. */
export function mnemonicToIdentitySeed(mnemonic: string, passphrase = ''): Uint8Array {
  const normalized = validateIdentityMnemonic(mnemonic);
  return mnemonicToSeedSync(normalized, passphrase);
}
