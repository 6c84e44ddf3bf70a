import { wipe } from '../../lib/bytes.js';
import { fingerprintOf, type IdentityFingerprint } from './fingerprint.js';
import { mnemonicToIdentitySeed } from './mnemonic.js';
import { deriveSlip10Ed25519 } from './slip10.js';

/**
 * SLIP-0044 coin type for quicprochat: 0x515043, the ASCII bytes "QPC". Unregistered on purpose, so no
 * wallet ever derives the same key from the same words (docs/identity.md explains the choice).
 */
export const QPC_COIN_TYPE = 5328963;

/** BIP44-shaped, all hardened: purpose / coin / account / change / key index. */
export const IDENTITY_DERIVATION_PATH = `m/44'/${QPC_COIN_TYPE}'/0'/0'/0'`;

export interface IdentityKeyPair {
  /** 32-byte Ed25519 private key (seed form). Secret: wipe() when done. */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  fingerprint: IdentityFingerprint;
}

/** The identity key from a BIP39 seed; the seed stays the caller's to wipe. */
export function identityFromSeed(seed: Uint8Array): IdentityKeyPair {
  const node = deriveSlip10Ed25519(seed, IDENTITY_DERIVATION_PATH);
  wipe(node.chainCode);
  return {
    privateKey: node.privateKey,
    publicKey: node.publicKey,
    fingerprint: fingerprintOf(node.publicKey),
  };
}

/** The identity key from the words (and optional BIP39 passphrase); the 64-byte seed is wiped here. */
export function identityFromMnemonic(mnemonic: string, passphrase = ''): IdentityKeyPair {
  const seed = mnemonicToIdentitySeed(mnemonic, passphrase);
  try {
    return identityFromSeed(seed);
  } finally {
    wipe(seed);
  }
}
