import { createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { ValidationError } from '../../lib/errors.js';
import { concatBytes, wipe } from '../../lib/bytes.js';
import { IdentityErrorCode } from './errors.js';

/** SLIP-0010: ed25519 allows hardened children only; index i means i + 2^31. */
export const HARDENED_OFFSET = 0x8000_0000;

/** The HMAC key SLIP-0010 uses for the ed25519 master node. */
const ED25519_CURVE_KEY = Buffer.from('ed25519 seed', 'utf8');

/** A SLIP-0010 ed25519 node. privateKey is the 32-byte Ed25519 seed (RFC 8032 "private key"). */
export interface Slip10Node {
  chainCode: Uint8Array;
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

/** Hardened indexes (already offset by 2^31) from "m/44'/0'/1h"; anything else is a ValidationError. */
export function parseDerivationPath(path: string): number[] {
  const parts = path.trim().split('/');
  if (parts[0] !== 'm') {
    throw new ValidationError(
      IdentityErrorCode.malformedPath,
      `derivation path must start with "m": ${path}`,
      {
        hint: "write it like m/44'/5328963'/0'/0'/0'",
      },
    );
  }
  return parts.slice(1).map((part, depth) => {
    const match = /^(\d{1,10})(['hH]?)$/u.exec(part);
    if (!match) {
      throw new ValidationError(
        IdentityErrorCode.malformedPath,
        `derivation path segment ${depth + 1} ("${part}") is not a number`,
        { hint: "each segment is a decimal index followed by ' (hardened), e.g. m/0'/1'" },
      );
    }
    const index = Number(match[1]);
    if (index >= HARDENED_OFFSET) {
      throw new ValidationError(
        IdentityErrorCode.malformedPath,
        `derivation path index ${index} is too large (max ${HARDENED_OFFSET - 1})`,
      );
    }
    if (match[2] === '') {
      throw new ValidationError(
        IdentityErrorCode.notHardened,
        `derivation path segment ${depth + 1} ("${part}") is not hardened; ed25519 (SLIP-0010) supports only hardened indexes`,
        { hint: `write ${part}' instead` },
      );
    }
    return index + HARDENED_OFFSET;
  });
}

/** PKCS#8 DER prefix for a raw 32-byte Ed25519 private key (RFC 8410). */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Ed25519 public key (32 bytes) from the 32-byte private key, through node:crypto. */
export function ed25519PublicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32) {
    throw new ValidationError(IdentityErrorCode.badPrivateKey, 'an Ed25519 private key has 32 bytes');
  }
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, privateKey]);
  try {
    const spki = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({
      format: 'der',
      type: 'spki',
    });
    return new Uint8Array(spki.subarray(spki.length - 32));
  } finally {
    der.fill(0);
  }
}

function hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha512', key).update(data).digest());
}

function split(digest: Uint8Array): { privateKey: Uint8Array; chainCode: Uint8Array } {
  const node = { privateKey: digest.slice(0, 32), chainCode: digest.slice(32, 64) };
  wipe(digest);
  return node;
}

/** SLIP-0010 ed25519 derivation of `path` from a BIP39 seed (16-64 bytes). The caller wipes privateKey. */
export function deriveSlip10Ed25519(seed: Uint8Array, path: string): Slip10Node {
  if (seed.length < 16 || seed.length > 64) {
    throw new ValidationError(IdentityErrorCode.badSeed, `a seed has 16 to 64 bytes, got ${seed.length}`);
  }
  const indexes = parseDerivationPath(path);
  let node = split(hmacSha512(ED25519_CURVE_KEY, seed));
  for (const index of indexes) {
    const indexBytes = new Uint8Array(4);
    new DataView(indexBytes.buffer).setUint32(0, index, false);
    const data = concatBytes(new Uint8Array([0]), node.privateKey, indexBytes);
    const child = split(hmacSha512(node.chainCode, data));
    wipe(data, node.privateKey, node.chainCode);
    node = child;
  }
  return { ...node, publicKey: ed25519PublicKeyFromPrivate(node.privateKey) };
}
