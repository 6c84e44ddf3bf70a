export { IdentityErrorCode, MnemonicChecksumError, UnknownMnemonicWordError } from './errors.js';
export {
  generateIdentityMnemonic,
  mnemonicToIdentitySeed,
  validateIdentityMnemonic,
  type MnemonicWordCount,
} from './mnemonic.js';
export {
  HARDENED_OFFSET,
  deriveSlip10Ed25519,
  ed25519PublicKeyFromPrivate,
  parseDerivationPath,
  type Slip10Node,
} from './slip10.js';
export { fingerprintOf, type IdentityFingerprint } from './fingerprint.js';
export {
  IDENTITY_DERIVATION_PATH,
  QPC_COIN_TYPE,
  identityFromMnemonic,
  identityFromSeed,
  type IdentityKeyPair,
} from './identityKey.js';
