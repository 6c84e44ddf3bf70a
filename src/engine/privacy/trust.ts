/**
 * Who we trust, and when sending must wait (docs/client.md): the trust model of signal-cli. A contact
 * the user has verified (compared safety numbers with) whose identity key then changes is "changed";
 * sending to any group that contains them is held until the user acknowledges the change. The
 * acknowledgement accepts the new key as unverified; verifying again is a separate, deliberate step.
 * A contact who was never verified may change keys without holding anything (the change is recorded,
 * keyChangedAt, so the screen can still say so).
 *
 * Pure functions over records: no store, no clock (the caller passes `now`). Keys are lower-case hex
 * of the 32-byte Ed25519 identity key; fingerprints are fingerprintOf(key).hex.
 */
import { constantTimeEqual, fromHex, toHex } from '../../lib/bytes.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { fingerprintOf } from '../identity/fingerprint.js';
import { verifyRotation, type RotationStatement } from '../identity/rotationStatement.js';
import type { ContactTrustRecord } from '../store/types.js';

export type { ContactTrustRecord };

export type VerificationState = 'unverified' | 'verified' | 'changed';

export const trustErrorCodes = {
  badKey: 'TRUST_BAD_KEY',
  keyMovedSinceCompared: 'TRUST_KEY_CHANGED_SINCE_COMPARED',
  nothingToAcknowledge: 'TRUST_NOTHING_TO_ACKNOWLEDGE',
  rotationNotForContact: 'TRUST_ROTATION_NOT_FOR_CONTACT',
} as const;

/** What a screen says about a contact whose key moved under a statement signed by the verified key. */
export const OWNER_ROTATION_NOTE = 'key rotated by its owner (signed by the verified key)';

function normalizedKey(keyHex: string): string {
  const key = keyHex.toLowerCase();
  if (!/^[0-9a-f]{64}$/u.test(key)) {
    throw new ValidationError(trustErrorCodes.badKey, 'an identity key is 64 hexadecimal digits');
  }
  return key;
}

function fingerprintHexOf(keyHex: string): string {
  return fingerprintOf(fromHex(keyHex)).hex;
}

function sameHex(a: string, b: string): boolean {
  return constantTimeEqual(fromHex(a), fromHex(b));
}

/** A contact seen for the first time: its key is accepted, nothing verified, nothing changed. */
export function newContact(username: string, identityKey: string): ContactTrustRecord {
  const key = normalizedKey(identityKey);
  return { identityKey: key, username, lastSeenKey: key };
}

export function verificationStateOf(contact: ContactTrustRecord): VerificationState {
  if (contact.verifiedFingerprint === undefined) return 'unverified';
  if (sameHex(contact.verifiedFingerprint, fingerprintHexOf(contact.lastSeenKey))) return 'verified';
  return contact.acknowledged === true ? 'unverified' : 'changed';
}

/**
 * The user compared safety numbers computed for `comparedKey` and they matched. If the contact's key
 * moved in the meantime, the comparison was about a key that is no longer theirs: refused.
 */
export function markVerified(
  contact: ContactTrustRecord,
  comparedKey: string,
  now: number,
): ContactTrustRecord {
  const key = normalizedKey(comparedKey);
  if (!sameHex(key, contact.lastSeenKey)) {
    throw new ConflictError(
      trustErrorCodes.keyMovedSinceCompared,
      'the contact key changed after the safety number was computed',
      { hint: 'compare the safety number again' },
    );
  }
  const { rotatedByOwner: _rotated, ...rest } = contact;
  return {
    ...rest,
    identityKey: key,
    verifiedFingerprint: fingerprintHexOf(key),
    verifiedAt: now,
    acknowledged: true,
  };
}

/**
 * A key observed for this contact's username. The same key changes nothing (the same object comes
 * back). A new key is recorded; a verified contact's record then reads "changed" until acknowledged,
 * an unverified contact's new key is simply accepted (keyChangedAt still says it happened).
 */
export function observeKey(contact: ContactTrustRecord, seenKey: string, now: number): ContactTrustRecord {
  const key = normalizedKey(seenKey);
  if (sameHex(key, contact.lastSeenKey)) return contact;
  const wasVerified = contact.verifiedFingerprint !== undefined;
  const backToVerified = wasVerified && sameHex(contact.verifiedFingerprint!, fingerprintHexOf(key));
  const { rotatedByOwner: _rotated, ...rest } = contact;
  return {
    ...rest,
    identityKey: wasVerified ? contact.identityKey : key,
    lastSeenKey: key,
    keyChangedAt: now,
    // Returning to the very key the user verified needs no acknowledgement.
    acknowledged: backToVerified,
  };
}

/**
 * The contact rotated its identity key and proved it: `statement` is signed by the key the user accepted
 * (verified or not) and by the new key. The new key takes the old one's place; a verified contact stays
 * verified (the verified key vouched for its successor) and is marked rotatedByOwner, so screens show
 * OWNER_ROTATION_NOTE rather than "key changed", and sending is not held.
 */
export function acceptOwnerRotation(
  contact: ContactTrustRecord,
  statement: RotationStatement,
  now: number,
): ContactTrustRecord {
  verifyRotation(statement);
  const previous = toHexKey(statement.previousKey);
  const trusted =
    contact.verifiedFingerprint !== undefined
      ? sameHex(contact.verifiedFingerprint, fingerprintHexOf(previous))
      : sameHex(contact.identityKey, previous);
  if (statement.username !== contact.username || !trusted) {
    throw new ConflictError(
      trustErrorCodes.rotationNotForContact,
      `the rotation statement is not signed by the key accepted for ${contact.username}`,
      { hint: `compare safety numbers with ${contact.username} again` },
    );
  }
  const next = toHexKey(statement.newKey);
  return {
    ...contact,
    identityKey: next,
    lastSeenKey: next,
    ...(contact.verifiedFingerprint === undefined ? {} : { verifiedFingerprint: fingerprintHexOf(next) }),
    keyChangedAt: now,
    acknowledged: true,
    rotatedByOwner: true,
  };
}

function toHexKey(key: Uint8Array): string {
  return normalizedKey(toHex(key));
}

/**
 * The user saw the change and accepts the new key. It becomes the accepted key, unverified: the old
 * verification was about another key and is dropped.
 */
export function acknowledgeChange(contact: ContactTrustRecord): ContactTrustRecord {
  if (verificationStateOf(contact) !== 'changed') {
    throw new ValidationError(
      trustErrorCodes.nothingToAcknowledge,
      'no key change waits for acknowledgement',
    );
  }
  const { verifiedFingerprint: _fingerprint, verifiedAt: _at, ...rest } = contact;
  return { ...rest, identityKey: contact.lastSeenKey, acknowledged: true };
}

export interface HeldMember {
  username: string;
  /** The key the user had verified (its fingerprint, hex). */
  verifiedFingerprint: string;
  /** The key now seen, hex. */
  newKey: string;
  keyChangedAt: number | undefined;
}

export interface SendHold {
  held: boolean;
  /** Every member whose unacknowledged key change holds the send, in group order. */
  members: HeldMember[];
}

/**
 * Must a send to this group wait? `groupMembers` are the identity keys (hex) of the group's members as
 * MLS reports them. A member holds the send when a contact record has that key as its last seen key and
 * the contact is "changed"; a member with no contact record never holds anything.
 */
export function sendHoldFor(
  groupMembers: readonly string[],
  contacts: Iterable<ContactTrustRecord>,
): SendHold {
  const changedByKey = new Map<string, ContactTrustRecord>();
  for (const contact of contacts) {
    if (verificationStateOf(contact) === 'changed')
      changedByKey.set(normalizedKey(contact.lastSeenKey), contact);
  }
  const members: HeldMember[] = [];
  for (const member of groupMembers) {
    const contact = changedByKey.get(normalizedKey(member));
    if (contact === undefined) continue;
    members.push({
      username: contact.username,
      verifiedFingerprint: contact.verifiedFingerprint!,
      newKey: contact.lastSeenKey,
      keyChangedAt: contact.keyChangedAt,
    });
  }
  return { held: members.length > 0, members };
}
