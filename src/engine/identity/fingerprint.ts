import { createHash } from 'node:crypto';
import { ValidationError } from '../../lib/errors.js';
import { IdentityErrorCode } from './errors.js';

/** Fingerprint of an identity key, SHA-256 of the 32-byte Ed25519 public key (docs/identity.md). */
export interface IdentityFingerprint {
  /** 64 lower-case hex digits. */
  hex: string;
  /** 16 groups of 4 hex digits separated by spaces: what two people read to each other to verify. */
  grouped: string;
  /** The first 4 groups (64 bits), joined by '-': for lists and prompts, never for verification. */
  short: string;
}

export function fingerprintOf(publicKey: Uint8Array): IdentityFingerprint {
  if (publicKey.length !== 32) {
    throw new ValidationError(IdentityErrorCode.badPublicKey, 'an Ed25519 public key has 32 bytes');
  }
  const hex = createHash('sha256').update(publicKey).digest('hex');
  const groups = hex.match(/.{4}/gu) ?? [];
  return { hex, grouped: groups.join(' '), short: groups.slice(0, 4).join('-') };
}
