/**
 * Ed25519 for ts-mls on node:crypto. The default provider re-imports the key through WebCrypto at
 * every signature; here each key becomes a KeyObject once (keyObjectCache.ts) and signing is a
 * single synchronous native call.
 *
 * Key format: keygen returns the 32-byte RFC 8032 seed, which ts-mls's default and noble providers
 * both accept. sign also accepts the PKCS#8 DER keys that ts-mls's default keygen produces.
 */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import type { Signature } from 'ts-mls';
import { settle } from './settle.js';
import {
  exportRawPrivateKey,
  exportRawPublicKey,
  PrivateKeyCache,
  PublicKeyCache,
} from './keyObjectCache.js';

const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;

export function makeEd25519Signature(): Signature {
  const privateKeys = new PrivateKeyCache('ed25519');
  const publicKeys = new PublicKeyCache('ed25519');
  return {
    sign: (signKey, message) => settle(() => new Uint8Array(sign(null, message, privateKeys.get(signKey)))),
    verify: (publicKey, message, signature) =>
      settle(() => {
        if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES || signature.length !== ED25519_SIGNATURE_BYTES) {
          return false;
        }
        try {
          return verify(null, message, publicKeys.get(publicKey), signature);
        } catch {
          // A byte string that is not a point on the curve fails to import: that is a bad signature.
          return false;
        }
      }),
    keygen: () =>
      settle(() => {
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        return { signKey: exportRawPrivateKey(privateKey), publicKey: exportRawPublicKey(publicKey) };
      }),
  };
}
