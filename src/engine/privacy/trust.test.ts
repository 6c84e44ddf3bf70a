import { describe, expect, it } from 'vitest';
import { QpcError } from '../../lib/errors.js';
import { fingerprintOf } from '../identity/fingerprint.js';
import { fromHex } from '../../lib/bytes.js';
import {
  acknowledgeChange,
  markVerified,
  newContact,
  observeKey,
  sendHoldFor,
  trustErrorCodes,
  verificationStateOf,
  type ContactTrustRecord,
} from './trust.js';

const key = (byte: number): string => byte.toString(16).padStart(2, '0').repeat(32);
const [bobKey1, bobKey2, bobKey3, carolKey, daveKey] = [key(1), key(2), key(3), key(4), key(5)];
const t0 = 1_700_000_000_000;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof QpcError) return error.code;
    throw error;
  }
  return undefined;
}

const verifiedBob = (): ContactTrustRecord => markVerified(newContact('bob', bobKey1), bobKey1, t0);

describe('verification state and transitions', () => {
  it('a new contact is unverified; verifying records the fingerprint of the compared key', () => {
    const bob = newContact('bob', bobKey1);
    expect(verificationStateOf(bob)).toBe('unverified');
    const verified = markVerified(bob, bobKey1, t0);
    expect(verificationStateOf(verified)).toBe('verified');
    expect(verified.verifiedFingerprint).toBe(fingerprintOf(fromHex(bobKey1)).hex);
    expect(verified.verifiedAt).toBe(t0);
    expect(bob.verifiedFingerprint).toBeUndefined(); // records are never mutated
  });

  it('refuses to verify a key that is no longer the one seen', () => {
    const moved = observeKey(newContact('bob', bobKey1), bobKey2, t0);
    expect(codeOf(() => markVerified(moved, bobKey1, t0))).toBe(trustErrorCodes.keyMovedSinceCompared);
    expect(verificationStateOf(markVerified(moved, bobKey2, t0))).toBe('verified');
  });

  it('the same key observed again changes nothing', () => {
    const bob = verifiedBob();
    expect(observeKey(bob, bobKey1.toUpperCase(), t0 + 5)).toBe(bob);
  });

  it('a verified contact with a new key is "changed" until acknowledged, then unverified', () => {
    const changed = observeKey(verifiedBob(), bobKey2, t0 + 10);
    expect(verificationStateOf(changed)).toBe('changed');
    expect(changed).toMatchObject({ identityKey: bobKey1, lastSeenKey: bobKey2, keyChangedAt: t0 + 10 });
    expect(changed.acknowledged).toBe(false);
    const acknowledged = acknowledgeChange(changed);
    expect(verificationStateOf(acknowledged)).toBe('unverified');
    expect(acknowledged.identityKey).toBe(bobKey2);
    expect(acknowledged.verifiedFingerprint).toBeUndefined();
    expect(acknowledged.verifiedAt).toBeUndefined();
    expect(acknowledged.keyChangedAt).toBe(t0 + 10);
    expect(verificationStateOf(markVerified(acknowledged, bobKey2, t0 + 20))).toBe('verified');
  });

  it('a second change before acknowledgement stays "changed"; going back to the verified key clears it', () => {
    const twice = observeKey(observeKey(verifiedBob(), bobKey2, t0 + 1), bobKey3, t0 + 2);
    expect(verificationStateOf(twice)).toBe('changed');
    const back = observeKey(twice, bobKey1, t0 + 3);
    expect(verificationStateOf(back)).toBe('verified');
  });

  it('an unverified contact changing key is accepted at once, with the change recorded', () => {
    const moved = observeKey(newContact('bob', bobKey1), bobKey2, t0 + 7);
    expect(verificationStateOf(moved)).toBe('unverified');
    expect(moved).toMatchObject({ identityKey: bobKey2, lastSeenKey: bobKey2, keyChangedAt: t0 + 7 });
    expect(codeOf(() => acknowledgeChange(moved))).toBe(trustErrorCodes.nothingToAcknowledge);
    expect(codeOf(() => acknowledgeChange(verifiedBob()))).toBe(trustErrorCodes.nothingToAcknowledge);
  });

  it('refuses keys that are not 32 bytes of hex', () => {
    expect(codeOf(() => newContact('bob', 'abcd'))).toBe(trustErrorCodes.badKey);
    expect(codeOf(() => observeKey(verifiedBob(), 'zz'.repeat(32), t0))).toBe(trustErrorCodes.badKey);
  });
});

describe('sendHoldFor', () => {
  const carol = markVerified(newContact('carol', carolKey), carolKey, t0);
  const dave = observeKey(newContact('dave', daveKey), key(6), t0); // unverified, key changed

  it('holds a group that contains a verified contact whose key changed, naming them', () => {
    const bob = observeKey(verifiedBob(), bobKey2, t0 + 10);
    const hold = sendHoldFor([carolKey, bobKey2, key(6)], [carol, bob, dave]);
    expect(hold.held).toBe(true);
    expect(hold.members).toEqual([
      {
        username: 'bob',
        verifiedFingerprint: fingerprintOf(fromHex(bobKey1)).hex,
        newKey: bobKey2,
        keyChangedAt: t0 + 10,
      },
    ]);
  });

  it('releases the hold once the change is acknowledged', () => {
    const bob = acknowledgeChange(observeKey(verifiedBob(), bobKey2, t0 + 10));
    expect(sendHoldFor([carolKey, bobKey2], [carol, bob])).toEqual({ held: false, members: [] });
  });

  it('does not hold groups without the changed contact, or with only unverified or unknown members', () => {
    const bob = observeKey(verifiedBob(), bobKey2, t0 + 10);
    expect(sendHoldFor([carolKey, key(6), key(9)], [carol, bob, dave]).held).toBe(false);
    expect(sendHoldFor([], [bob]).held).toBe(false);
  });

  it('lists every held member in group order', () => {
    const bob = observeKey(verifiedBob(), bobKey2, t0 + 10);
    const carolChanged = observeKey(carol, key(7), t0 + 11);
    const hold = sendHoldFor([key(7), bobKey2], [bob, carolChanged]);
    expect(hold.members.map((m) => m.username)).toEqual(['carol', 'bob']);
  });
});
