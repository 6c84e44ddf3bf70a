import { describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import { ConflictError, CryptoError } from '../../lib/errors.js';
import { fingerprintOf } from '../identity/fingerprint.js';
import { mnemonicToIdentitySeed } from '../identity/mnemonic.js';
import { identityAtIndex, signRotation } from '../identity/rotationStatement.js';
import {
  acceptOwnerRotation,
  markVerified,
  newContact,
  observeKey,
  sendHoldFor,
  trustErrorCodes,
  verificationStateOf,
} from './trust.js';

const seed = mnemonicToIdentitySeed(
  'legal winner thank year wave sausage worth useful legal winner thank yellow',
);
const first = identityAtIndex(seed, 0);
const second = identityAtIndex(seed, 1);
const FIRST = toHex(first.publicKey);
const SECOND = toHex(second.publicKey);

describe('a contact rotating its identity key with a signed statement', () => {
  const statement = signRotation('alice', first, second, 1, 1_000);

  it('keeps a verified contact verified, with the owner-rotation mark, and holds nothing', () => {
    const verified = markVerified(newContact('alice', FIRST), FIRST, 10);
    const rotated = acceptOwnerRotation(verified, statement, 20);
    expect(rotated).toMatchObject({
      identityKey: SECOND,
      lastSeenKey: SECOND,
      verifiedFingerprint: fingerprintOf(second.publicKey).hex,
      keyChangedAt: 20,
      rotatedByOwner: true,
    });
    expect(verificationStateOf(rotated)).toBe('verified');
    expect(sendHoldFor([SECOND], [rotated]).held).toBe(false);
  });

  it('without a statement the same change reads "changed" and holds sends', () => {
    const verified = markVerified(newContact('alice', FIRST), FIRST, 10);
    const changed = observeKey(verified, SECOND, 20);
    expect(verificationStateOf(changed)).toBe('changed');
    expect(changed.rotatedByOwner).toBeUndefined();
    expect(sendHoldFor([SECOND], [changed]).held).toBe(true);
  });

  it('a later unexplained change drops the owner-rotation mark', () => {
    const rotated = acceptOwnerRotation(markVerified(newContact('alice', FIRST), FIRST, 10), statement, 20);
    const third = toHex(identityAtIndex(seed, 2).publicKey);
    const changed = observeKey(rotated, third, 30);
    expect(changed.rotatedByOwner).toBeUndefined();
    expect(verificationStateOf(changed)).toBe('changed');
  });

  it('refuses a statement whose previous key is not the one the user verified', () => {
    const other = toHex(identityAtIndex(seed, 5).publicKey);
    const verifiedOther = markVerified(newContact('alice', other), other, 10);
    expect(() => acceptOwnerRotation(verifiedOther, statement, 20)).toThrow(ConflictError);
    try {
      acceptOwnerRotation(verifiedOther, statement, 20);
    } catch (error) {
      expect((error as ConflictError).code).toBe(trustErrorCodes.rotationNotForContact);
    }
  });

  it('refuses a statement for another username, and a forged one', () => {
    const bob = markVerified(newContact('bob', FIRST), FIRST, 10);
    expect(() => acceptOwnerRotation(bob, statement, 20)).toThrow(ConflictError);
    const forged = { ...statement, newSignature: statement.previousSignature };
    const alice = markVerified(newContact('alice', FIRST), FIRST, 10);
    expect(() => acceptOwnerRotation(alice, forged, 20)).toThrow(CryptoError);
  });

  it('moves an unverified contact to the new key, still unverified', () => {
    const rotated = acceptOwnerRotation(newContact('alice', FIRST), statement, 20);
    expect(rotated).toMatchObject({ identityKey: SECOND, lastSeenKey: SECOND, rotatedByOwner: true });
    expect(verificationStateOf(rotated)).toBe('unverified');
  });
});
