/**
 * Identity key rotation: the next Ed25519 identity comes from the same 24 words at the next SLIP-0010
 * index (m/44'/<qpc>'/0'/0'/<n>', n = 0 being the first identity), and a statement signed by both the old
 * and the new key says "this user's identity moves from the old key to the new one". Whoever verified the
 * old key can then accept the new one on the old key's word (privacy/trust.ts, acceptOwnerRotation),
 * instead of treating it as an unexplained key change.
 *
 * Signed bytes: "qpc/v1 identity rotation" 0x00 | u8 username length | username (UTF-8) | old key (32) |
 * new key (32) | u32 BE key index | u64 BE issued at (ms). Both signatures are Ed25519 over those bytes.
 */
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { concatBytes, utf8, wipe } from '../../lib/bytes.js';
import { identityRotationSignedBytes } from '../../protocol/index.js';
import { CryptoError, ValidationError } from '../../lib/errors.js';
import { QPC_COIN_TYPE, type IdentityKeyPair } from './identityKey.js';
import { fingerprintOf } from './fingerprint.js';
import { deriveSlip10Ed25519 } from './slip10.js';

export const RotationErrorCode = {
  badIndex: 'IDENTITY_BAD_KEY_INDEX',
  badStatement: 'IDENTITY_ROTATION_BAD_STATEMENT',
  badSignature: 'IDENTITY_ROTATION_BAD_SIGNATURE',
} as const;

/** Indexes are hardened SLIP-0010 children: 0 .. 2^31 - 1. */
const MAX_KEY_INDEX = 0x7fff_ffff;
const KEY_LENGTH = 32;

const PKCS8_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);
const SPKI_ED25519_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

export function identityDerivationPath(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0 || index > MAX_KEY_INDEX) {
    throw new ValidationError(RotationErrorCode.badIndex, `an identity key index is 0 to ${MAX_KEY_INDEX}`);
  }
  return `m/44'/${QPC_COIN_TYPE}'/0'/0'/${index}'`;
}

/** The identity key at `index` from a BIP39 seed; the seed stays the caller's to wipe. */
export function identityAtIndex(seed: Uint8Array, index: number): IdentityKeyPair {
  const node = deriveSlip10Ed25519(seed, identityDerivationPath(index));
  wipe(node.chainCode);
  return {
    privateKey: node.privateKey,
    publicKey: node.publicKey,
    fingerprint: fingerprintOf(node.publicKey),
  };
}

export interface RotationStatement {
  username: string;
  previousKey: Uint8Array;
  newKey: Uint8Array;
  /** SLIP-0010 index of the new key. */
  keyIndex: number;
  issuedAt: number;
  previousSignature: Uint8Array;
  newSignature: Uint8Array;
}

export function rotationSignedBytes(
  statement: Omit<RotationStatement, 'previousSignature' | 'newSignature'>,
): Uint8Array {
  const name = utf8(statement.username);
  if (name.length === 0 || name.length > 255) {
    throw new ValidationError(RotationErrorCode.badStatement, 'a username has 1 to 255 bytes');
  }
  if (statement.previousKey.length !== KEY_LENGTH || statement.newKey.length !== KEY_LENGTH) {
    throw new ValidationError(RotationErrorCode.badStatement, 'identity keys have 32 bytes');
  }
  identityDerivationPath(statement.keyIndex);
  if (!Number.isSafeInteger(statement.issuedAt) || statement.issuedAt < 0) {
    throw new ValidationError(RotationErrorCode.badStatement, 'issuedAt is a time in ms since the epoch');
  }
  // The wire module builds the bytes, so the server checks exactly what the client signed.
  return identityRotationSignedBytes(statement);
}

function ed25519Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  const der = concatBytes(PKCS8_ED25519_PREFIX, privateKey);
  try {
    return new Uint8Array(
      sign(null, message, createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' })),
    );
  } finally {
    wipe(der);
  }
}

function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  const key = createPublicKey({
    key: Buffer.from(concatBytes(SPKI_ED25519_PREFIX, publicKey)),
    format: 'der',
    type: 'spki',
  });
  return signature.length === 64 && verify(null, message, key, signature);
}

/** The statement for moving `username` from `previous` to `next` (both private keys stay the caller's). */
export function signRotation(
  username: string,
  previous: { privateKey: Uint8Array; publicKey: Uint8Array },
  next: { privateKey: Uint8Array; publicKey: Uint8Array },
  keyIndex: number,
  issuedAt: number,
): RotationStatement {
  const body = { username, previousKey: previous.publicKey, newKey: next.publicKey, keyIndex, issuedAt };
  const signed = rotationSignedBytes(body);
  return {
    ...body,
    previousSignature: ed25519Sign(previous.privateKey, signed),
    newSignature: ed25519Sign(next.privateKey, signed),
  };
}

/** Throws CryptoError IDENTITY_ROTATION_BAD_SIGNATURE unless both keys signed exactly this statement. */
export function verifyRotation(statement: RotationStatement): void {
  const signed = rotationSignedBytes(statement);
  if (
    !ed25519Verify(statement.previousKey, signed, statement.previousSignature) ||
    !ed25519Verify(statement.newKey, signed, statement.newSignature)
  ) {
    throw new CryptoError(
      RotationErrorCode.badSignature,
      'the identity rotation statement is not signed by both the previous and the new key',
    );
  }
}
