/**
 * Which of the keys that recovery words derive is a given public key. An account that rotated its
 * identity key holds the key at SLIP-0010 index n (docs/identity.md), so "are these the words of this
 * profile" asks whether any index up to `maxIndex` derives the profile's key, not only index 0.
 */
import { constantTimeEqual, wipe } from '../../lib/bytes.js';
import { mnemonicToIdentitySeed } from './mnemonic.js';
import { identityAtIndex } from './rotationStatement.js';

/** The last index searched by default: 64 rotations, far more than a person makes, and a quick search. */
export const WORDS_MAX_KEY_INDEX = 63;

/** The index whose public key is `publicKey`, or undefined; every derived private key is wiped. */
export function keyIndexOfWords(
  words: string,
  publicKey: Uint8Array,
  maxIndex: number = WORDS_MAX_KEY_INDEX,
): number | undefined {
  const seed = mnemonicToIdentitySeed(words);
  try {
    for (let index = 0; index <= maxIndex; index += 1) {
      const pair = identityAtIndex(seed, index);
      wipe(pair.privateKey);
      if (constantTimeEqual(pair.publicKey, publicKey)) return index;
    }
    return undefined;
  } finally {
    wipe(seed);
  }
}
