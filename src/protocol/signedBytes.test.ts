import { describe, expect, it } from 'vitest';
import { toHex } from '../lib/bytes.js';
import { ValidationError } from '../lib/errors.js';
import { hybridKeySignedBytes } from './signedBytes.js';
import { alicePk, hybridPk } from './testing/sampleBodies.js';

describe('hybridKeySignedBytes', () => {
  it('lays out label, username, identity key and hybrid key as documented', () => {
    const bytes = hybridKeySignedBytes('alice', alicePk, hybridPk);
    const label = 'qpc/v1 hybrid-key';
    expect(bytes.length).toBe(label.length + 1 + 1 + 5 + 32 + 1216);
    // "qpc/v1 hybrid-key" 00 05 "alice"
    expect(toHex(bytes.subarray(0, label.length + 7))).toBe(
      '7170632f7631206879627269642d6b6579' + '00' + '05' + '616c696365',
    );
    expect(bytes.subarray(label.length + 7, label.length + 39)).toEqual(alicePk);
    expect(bytes.subarray(label.length + 39)).toEqual(hybridPk);
  });

  it('differs when the username differs', () => {
    expect(hybridKeySignedBytes('alice', alicePk, hybridPk)).not.toEqual(
      hybridKeySignedBytes('alicf', alicePk, hybridPk),
    );
  });

  it('refuses bad usernames and key lengths', () => {
    expect(() => hybridKeySignedBytes('Alice', alicePk, hybridPk)).toThrow(ValidationError);
    expect(() => hybridKeySignedBytes('alice', alicePk.subarray(1), hybridPk)).toThrow(ValidationError);
    expect(() => hybridKeySignedBytes('alice', alicePk, hybridPk.subarray(1))).toThrow(ValidationError);
  });
});
