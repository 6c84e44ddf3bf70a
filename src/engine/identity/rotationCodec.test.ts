import { describe, expect, it } from 'vitest';
import { QpcError } from '../../lib/errors.js';
import { decodeRotationStatement, encodeRotationStatement } from './rotationCodec.js';
import { identityAtIndex, RotationErrorCode, signRotation, verifyRotation } from './rotationStatement.js';

const seed = new Uint8Array(64).fill(7);

function statement() {
  return signRotation('alice', identityAtIndex(seed, 0), identityAtIndex(seed, 1), 1, 1_700_000_000_123);
}

describe('rotation statement bytes (the authenticated data of the resync commit)', () => {
  it('round-trips a statement whose signatures still verify', () => {
    const signed = statement();
    const decoded = decodeRotationStatement(encodeRotationStatement(signed));
    expect(decoded).toEqual(signed);
    expect(() => verifyRotation(decoded)).not.toThrow();
  });

  it('refuses empty, truncated, extended and relabelled bytes with IDENTITY_ROTATION_BAD_STATEMENT', () => {
    const bytes = encodeRotationStatement(statement());
    const extended = new Uint8Array(bytes.length + 1);
    extended.set(bytes);
    const relabelled = bytes.slice();
    relabelled[3] = (relabelled[3] ?? 0) ^ 1;
    const otherVersion = bytes.slice();
    otherVersion[0] = 2;
    for (const bad of [
      new Uint8Array(0),
      bytes.subarray(0, bytes.length - 1),
      extended,
      relabelled,
      otherVersion,
    ]) {
      expect(() => decodeRotationStatement(bad)).toThrow(QpcError);
      try {
        decodeRotationStatement(bad);
      } catch (error) {
        expect((error as QpcError).code).toBe(RotationErrorCode.badStatement);
      }
    }
  });

  it('decodes a statement with a flipped signature byte, which then fails verification', () => {
    const bytes = encodeRotationStatement(statement());
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => verifyRotation(decodeRotationStatement(bytes))).toThrow(
      expect.objectContaining({ code: RotationErrorCode.badSignature }) as Error,
    );
  });
});
