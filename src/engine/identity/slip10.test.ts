import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import { HARDENED_OFFSET, deriveSlip10Ed25519, parseDerivationPath } from './slip10.js';
import { slip10Ed25519Vectors } from './vectors/slip10Ed25519.js';

describe('SLIP-0010 ed25519 (all spec vectors)', () => {
  it('has both vectors with six chains each', () => {
    expect(slip10Ed25519Vectors.map((vector) => vector.chains.length)).toEqual([6, 6]);
  });

  for (const vector of slip10Ed25519Vectors) {
    for (const chain of vector.chains) {
      it(`${vector.name}: ${chain.path}`, () => {
        const node = deriveSlip10Ed25519(fromHex(vector.seed), chain.path);
        expect(toHex(node.chainCode)).toBe(chain.chainCode);
        expect(toHex(node.privateKey)).toBe(chain.privateKey);
        // The spec prefixes ed25519 public keys with 0x00; ours is the bare 32-byte key.
        expect(`00${toHex(node.publicKey)}`).toBe(chain.publicKey);
      });
    }
  }
});

describe('derivation paths', () => {
  it("parses hardened markers written as ' or h", () => {
    expect(parseDerivationPath("m/0'/1h/2H")).toEqual([0, 1, 2].map((index) => index + HARDENED_OFFSET));
    expect(parseDerivationPath('m')).toEqual([]);
  });

  it('refuses a non-hardened index with a clear message', () => {
    expect(() => parseDerivationPath("m/44'/0")).toThrow(
      expect.objectContaining({ code: 'DERIVATION_PATH_NOT_HARDENED' }),
    );
    expect(() => parseDerivationPath("m/44'/0")).toThrow(/segment 2 \("0"\) is not hardened/);
  });

  for (const path of ['', '44/0', "m/x'", "m//0'", "m/2147483648'", "m/0'/", "n/0'"]) {
    it(`refuses malformed path ${JSON.stringify(path)}`, () => {
      expect(() => parseDerivationPath(path)).toThrow(ValidationError);
      expect(() => parseDerivationPath(path)).toThrow(
        expect.objectContaining({ code: 'DERIVATION_PATH_MALFORMED' }),
      );
    });
  }

  it('refuses a seed of the wrong size', () => {
    expect(() => deriveSlip10Ed25519(new Uint8Array(8), 'm')).toThrow(
      expect.objectContaining({ code: 'SEED_BAD_LENGTH' }),
    );
  });
});
