import { describe, expect, it } from 'vitest';
import { generateIdentityMnemonic, mnemonicToIdentitySeed } from './mnemonic.js';
import { decodeRotationStatement } from './rotationCodec.js';
import { decodeRotationChain, encodeRotationChain, verifyRotationChain } from './rotationChain.js';
import {
  identityAtIndex,
  RotationErrorCode,
  signRotation,
  type RotationStatement,
} from './rotationStatement.js';

function chainOf(links: number): RotationStatement[] {
  const seed = mnemonicToIdentitySeed(generateIdentityMnemonic());
  const chain: RotationStatement[] = [];
  for (let index = 0; index < links; index += 1) {
    chain.push(
      signRotation(
        'alice',
        identityAtIndex(seed, index),
        identityAtIndex(seed, index + 1),
        index + 1,
        1000 + index,
      ),
    );
  }
  return chain;
}

describe('rotation chains', () => {
  it('round-trips two links and verifies them; one link stays a plain statement', () => {
    const chain = chainOf(2);
    const decoded = decodeRotationChain(encodeRotationChain(chain));
    expect(decoded).toEqual(chain);
    expect(() => verifyRotationChain(decoded)).not.toThrow();
    const single = encodeRotationChain(chain.slice(0, 1));
    expect(decodeRotationStatement(single)).toEqual(chain[0]);
    expect(decodeRotationChain(single)).toEqual(chain.slice(0, 1));
  });

  it('refuses a broken link, a reordered chain, another account, and cut bytes', () => {
    const [first, second] = chainOf(2);
    const [, foreign] = chainOf(2);
    if (first === undefined || second === undefined || foreign === undefined) throw new Error('no chain');
    expect(() => verifyRotationChain([first, foreign])).toThrow(
      expect.objectContaining({ code: RotationErrorCode.badSignature }) as Error,
    );
    expect(() => verifyRotationChain([second, first])).toThrow();
    expect(() => verifyRotationChain([first, { ...second, username: 'mallory' }])).toThrow();
    const bytes = encodeRotationChain([first, second]);
    expect(() => decodeRotationChain(bytes.subarray(0, bytes.length - 1))).toThrow(
      expect.objectContaining({ code: RotationErrorCode.badStatement }) as Error,
    );
    const tampered = bytes.slice();
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    expect(() => verifyRotationChain(decodeRotationChain(tampered))).toThrow(
      expect.objectContaining({ code: RotationErrorCode.badSignature }) as Error,
    );
  });
});
