import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { exportRawPublicKey, importRawPublicKey, type OkpCurve } from './keyObjectCache.js';
import { importX25519PublicKey, rawX25519 } from '../../crypto/hybridKeys.js';

/** The raw key as the SPKI DER carries it (its last 32 bytes): the encoding the JWK path replaced. */
function rawFromDer(key: ReturnType<typeof generateKeyPairSync>['publicKey']): Uint8Array {
  const der = key.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(der.length - 32));
}

describe('public keys through JWK', () => {
  for (const curve of ['ed25519', 'x25519'] as OkpCurve[]) {
    it(`exports and imports the same 32 bytes as the SPKI DER (${curve})`, () => {
      const { publicKey } = generateKeyPairSync(curve as 'x25519');
      const raw = exportRawPublicKey(publicKey);
      expect(raw).toEqual(rawFromDer(publicKey));
      expect(importRawPublicKey(curve, raw).equals(publicKey)).toBe(true);
    });
  }

  it('refuses a public key of the wrong length', () => {
    expect(() => importRawPublicKey('x25519', new Uint8Array(31))).toThrow();
    expect(() => importX25519PublicKey(new Uint8Array(33))).toThrow();
  });

  it('gives the hybrid envelope the X25519 bytes of the DER form', () => {
    const { publicKey } = generateKeyPairSync('x25519');
    const raw = rawX25519(publicKey);
    expect(raw).toEqual(rawFromDer(publicKey));
    expect(importX25519PublicKey(raw).equals(publicKey)).toBe(true);
  });
});
