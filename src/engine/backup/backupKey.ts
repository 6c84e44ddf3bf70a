/**
 * The backup key: SLIP-0010 (Ed25519 curve, all hardened) from the BIP39 seed of the recovery words at
 * BACKUP_DERIVATION_PATH, then HKDF-SHA256 splits the node's 32-byte private key into the AES-256-GCM key
 * and a 16-byte key check kept in the file's header (so a wrong phrase is told apart from a damaged file).
 * Account 1' of the quicprochat coin keeps backups apart from the identity keys under account 0'.
 */
import { hkdfSync } from 'node:crypto';
import { wipe } from '../../lib/bytes.js';
import { QPC_COIN_TYPE, deriveSlip10Ed25519, mnemonicToIdentitySeed } from '../identity/index.js';

export const BACKUP_DERIVATION_PATH = `m/44'/${QPC_COIN_TYPE}'/1'/0'/0'`;
export const BACKUP_KEY_BYTES = 32;
export const BACKUP_KEY_CHECK_BYTES = 16;
const ENCRYPTION_INFO = 'quicprochat backup v1 aes-256-gcm key';
const CHECK_INFO = 'quicprochat backup v1 key check';

export interface BackupKey {
  /** AES-256-GCM key. Secret: wipe with wipeBackupKey. */
  key: Uint8Array;
  /** Public: lets a reader tell a wrong phrase from a changed file. */
  check: Uint8Array;
}

/** The backup key of a BIP39 seed (the seed stays the caller's to wipe). */
export function backupKeyFromSeed(seed: Uint8Array, path: string = BACKUP_DERIVATION_PATH): BackupKey {
  const node = deriveSlip10Ed25519(seed, path);
  try {
    return {
      key: new Uint8Array(
        hkdfSync('sha256', node.privateKey, new Uint8Array(0), ENCRYPTION_INFO, BACKUP_KEY_BYTES),
      ),
      check: new Uint8Array(
        hkdfSync('sha256', node.privateKey, new Uint8Array(0), CHECK_INFO, BACKUP_KEY_CHECK_BYTES),
      ),
    };
  } finally {
    wipe(node.privateKey, node.chainCode, node.publicKey);
  }
}

/** The backup key of the recovery words (already validated); the seed is wiped here. */
export function backupKeyFromWords(words: string, path: string = BACKUP_DERIVATION_PATH): BackupKey {
  const seed = mnemonicToIdentitySeed(words);
  try {
    return backupKeyFromSeed(seed, path);
  } finally {
    wipe(seed);
  }
}

export function wipeBackupKey(key: BackupKey | undefined): void {
  if (key !== undefined) wipe(key.key);
}
