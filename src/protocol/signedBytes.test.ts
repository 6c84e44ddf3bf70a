import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../lib/bytes.js';
import { ValidationError } from '../lib/errors.js';
import { hybridKeySignedBytes, reRegistrationSignedBytes } from './signedBytes.js';
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

describe('reRegistrationSignedBytes', () => {
  const challenge = new Uint8Array(32).fill(7);
  it('lays out label, username, challenge and the record hash as documented', () => {
    const bytes = reRegistrationSignedBytes('alice', challenge, 'record');
    const label = 'qpc/v1 re-register';
    expect(bytes.length).toBe(label.length + 1 + 1 + 5 + 32 + 32);
    expect(toHex(bytes.subarray(label.length, label.length + 7))).toBe('00' + '05' + '616c696365');
    expect(bytes.subarray(label.length + 7, label.length + 39)).toEqual(challenge);
    expect(toHex(bytes.subarray(label.length + 39))).toBe(
      createHash('sha256').update('record', 'utf8').digest('hex'),
    );
  });

  it('differs with the record and refuses a short challenge', () => {
    expect(reRegistrationSignedBytes('alice', challenge, 'a')).not.toEqual(
      reRegistrationSignedBytes('alice', challenge, 'b'),
    );
    expect(() => reRegistrationSignedBytes('alice', challenge.subarray(1), 'a')).toThrow(ValidationError);
  });
});
