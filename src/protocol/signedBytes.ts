import { createHash } from 'node:crypto';
import { concatBytes, utf8 } from '../lib/bytes.js';
import { ValidationError } from '../lib/errors.js';
import {
  HYBRID_PUBLIC_KEY_BYTES,
  IDENTITY_PUBLIC_KEY_BYTES,
  REREGISTRATION_CHALLENGE_BYTES,
  USERNAME_PATTERN,
} from './limits.js';

/** Codes of the signed-bytes builders: input a caller should have checked before signing. */
export const ProtocolErrorCode = {
  /** The username does not match USERNAME_PATTERN. */
  badUsername: 'PROTOCOL_BAD_USERNAME',
  /** An identity or hybrid public key of the wrong length. */
  badKeyLength: 'PROTOCOL_BAD_KEY_LENGTH',
  /** A re-registration challenge of the wrong length. */
  badChallengeLength: 'PROTOCOL_BAD_CHALLENGE_LENGTH',
} as const;

/** Domain-separation label: a signature made for this purpose can never be replayed as another. */
export const HYBRID_KEY_SIGNATURE_LABEL = 'qpc/v1 hybrid-key';
export const REREGISTRATION_SIGNATURE_LABEL = 'qpc/v1 re-register';

function checkUsername(username: string): void {
  if (!USERNAME_PATTERN.test(username)) {
    throw new ValidationError(
      ProtocolErrorCode.badUsername,
      `username does not match ${String(USERNAME_PATTERN)}`,
    );
  }
}

/**
 * The bytes the identity key signs (Ed25519) to vouch for a user's hybrid public key, in
 * RegisterFinish, PublishKeys and LookupUserResponse.hybrid_key_signature:
 *
 *   utf8(label) | 0x00 | u8(len(username)) | utf8(username) | identity_pk(32) | hybrid_pk(1216)
 *
 * Binding the username stops a server from showing one person's keys under another name.
 */
export function hybridKeySignedBytes(
  username: string,
  identityPublicKey: Uint8Array,
  hybridPublicKey: Uint8Array,
): Uint8Array {
  checkUsername(username);
  if (identityPublicKey.length !== IDENTITY_PUBLIC_KEY_BYTES) {
    throw new ValidationError(
      ProtocolErrorCode.badKeyLength,
      `identity key must be ${IDENTITY_PUBLIC_KEY_BYTES} bytes`,
    );
  }
  if (hybridPublicKey.length !== HYBRID_PUBLIC_KEY_BYTES) {
    throw new ValidationError(
      ProtocolErrorCode.badKeyLength,
      `hybrid key must be ${HYBRID_PUBLIC_KEY_BYTES} bytes`,
    );
  }
  const name = utf8(username);
  return concatBytes(
    utf8(HYBRID_KEY_SIGNATURE_LABEL),
    Uint8Array.of(0, name.length),
    name,
    identityPublicKey,
    hybridPublicKey,
  );
}

/** Domain-separation label of an identity rotation statement (docs/identity.md). */
export const IDENTITY_ROTATION_LABEL = 'qpc/v1 identity rotation';

export interface IdentityRotationBody {
  username: string;
  previousKey: Uint8Array;
  newKey: Uint8Array;
  /** SLIP-0010 index of the new key. */
  keyIndex: number;
  /** Milliseconds since the epoch. */
  issuedAt: number;
}

/**
 * The bytes both the previous and the new identity key sign (Ed25519) when a user moves to a new
 * identity key; the client (statement in MLS) and the server (PublishKeys) build them here alike:
 *
 *   utf8(label) | 0x00 | u8(len(username)) | utf8(username) | old_pk(32) | new_pk(32) | u32 BE index |
 *   u64 BE issued_at_ms
 */
export function identityRotationSignedBytes(body: IdentityRotationBody): Uint8Array {
  const name = utf8(body.username);
  if (name.length === 0 || name.length > 255) {
    throw new ValidationError(ProtocolErrorCode.badUsername, 'a username has 1 to 255 bytes');
  }
  if (
    body.previousKey.length !== IDENTITY_PUBLIC_KEY_BYTES ||
    body.newKey.length !== IDENTITY_PUBLIC_KEY_BYTES
  ) {
    throw new ValidationError(
      ProtocolErrorCode.badKeyLength,
      `identity keys must be ${IDENTITY_PUBLIC_KEY_BYTES} bytes`,
    );
  }
  const tail = new Uint8Array(12);
  const view = new DataView(tail.buffer);
  view.setUint32(0, body.keyIndex);
  view.setBigUint64(4, BigInt(body.issuedAt));
  return concatBytes(
    utf8(IDENTITY_ROTATION_LABEL),
    Uint8Array.of(0, name.length),
    name,
    body.previousKey,
    body.newKey,
    tail,
  );
}

/**
 * The bytes the identity key signs (Ed25519) in ReRegisterFinish, to replace the account's OPAQUE record:
 *
 *   utf8(label) | 0x00 | u8(len(username)) | utf8(username) | challenge(32) | sha256(utf8(registration_record))
 *
 * The server's one-time challenge stops a captured signature from being replayed later (to put back an
 * old password); the record's hash binds the signature to this record only.
 */
export function reRegistrationSignedBytes(
  username: string,
  challenge: Uint8Array,
  registrationRecord: string,
): Uint8Array {
  checkUsername(username);
  if (challenge.length !== REREGISTRATION_CHALLENGE_BYTES) {
    throw new ValidationError(
      ProtocolErrorCode.badChallengeLength,
      `the challenge must be ${REREGISTRATION_CHALLENGE_BYTES} bytes`,
    );
  }
  const name = utf8(username);
  const recordHash = new Uint8Array(createHash('sha256').update(registrationRecord, 'utf8').digest());
  return concatBytes(
    utf8(REREGISTRATION_SIGNATURE_LABEL),
    Uint8Array.of(0, name.length),
    name,
    challenge,
    recordHash,
  );
}
