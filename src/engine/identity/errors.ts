import { ValidationError } from '../../lib/errors.js';

/** Stable codes for identity input errors; tests, the CLI and the TUI match on these. */
export const IdentityErrorCode = {
  unknownWord: 'MNEMONIC_UNKNOWN_WORD',
  badChecksum: 'MNEMONIC_BAD_CHECKSUM',
  badLength: 'MNEMONIC_BAD_LENGTH',
  malformedPath: 'DERIVATION_PATH_MALFORMED',
  notHardened: 'DERIVATION_PATH_NOT_HARDENED',
  badSeed: 'SEED_BAD_LENGTH',
  /** A phrase of a word count BIP39 does not allow (the CLI asks for 12 or 24 words). */
  badWordCount: 'MNEMONIC_BAD_WORD_COUNT',
  badPublicKey: 'ED25519_BAD_PUBLIC_KEY',
  badPrivateKey: 'ED25519_BAD_PRIVATE_KEY',
} as const;

/**
 * A word that is not in the BIP39 English list. Carries the 1-based position so a person can find the
 * typo; the word itself is in the message because only its owner ever sees it (never log this error).
 */
export class UnknownMnemonicWordError extends ValidationError {
  readonly position: number;
  constructor(position: number, word: string) {
    super(
      IdentityErrorCode.unknownWord,
      `word ${position} ("${word}") is not in the BIP39 English word list`,
      { hint: 'check the spelling of that word against your written copy' },
    );
    this.position = position;
  }
}

/** All words are known but the last bits do not match: a word is wrong, swapped or missing. */
export class MnemonicChecksumError extends ValidationError {
  constructor() {
    super(IdentityErrorCode.badChecksum, 'mnemonic checksum does not match', {
      hint: 'every word is valid, but one is wrong or two are swapped; check the order',
    });
  }
}
