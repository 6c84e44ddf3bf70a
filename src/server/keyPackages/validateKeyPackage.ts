import type { Clock } from '../../lib/clock.js';
import { constantTimeEqual } from '../../lib/bytes.js';
import {
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type CiphersuiteImpl,
  type CiphersuiteName,
} from 'ts-mls';
import {
  decodeKeyPackage,
  encodeKeyPackage,
  makeKeyPackageRef,
  verifyKeyPackage,
  type KeyPackage,
} from 'ts-mls/keyPackage.js';
import { verifyLeafNodeSignatureKeyPackage } from 'ts-mls/leafNode.js';
import { decodeMlsMessage } from 'ts-mls/message.js';

/** Largest KeyPackage accepted (an X-Wing one is about 2.5 KiB). */
export const KEY_PACKAGE_MAX_BYTES = 16 * 1024;

/** Why an uploaded KeyPackage was refused; stable strings, sent back to the client. */
export type KeyPackageRejectReason =
  | 'too_large'
  | 'malformed'
  | 'unsupported_version'
  | 'unsupported_ciphersuite'
  | 'wrong_signature_key'
  | 'bad_signature'
  | 'bad_leaf_signature'
  | 'not_yet_valid'
  | 'expired'
  | 'init_key_reuses_leaf_key'
  | 'duplicate';

export interface ValidKeyPackage {
  /** The canonical KeyPackage encoding (without an MLSMessage wrapper). */
  bytes: Uint8Array;
  /** KeyPackageRef (RFC 9420 section 5.2). */
  ref: Uint8Array;
  cipherSuite: CiphersuiteName;
  /** Lifetime bounds, in milliseconds since the epoch. */
  notBefore: number;
  notAfter: number;
}

const suiteImpls = new Map<CiphersuiteName, Promise<CiphersuiteImpl>>();

function suiteImpl(name: CiphersuiteName): Promise<CiphersuiteImpl> {
  let impl = suiteImpls.get(name);
  if (impl === undefined) {
    impl = getCiphersuiteImpl(getCiphersuiteFromName(name));
    suiteImpls.set(name, impl);
  }
  return impl;
}

/** Accepts a bare KeyPackage or one wrapped in an MLSMessage (wire format mls_key_package). */
function decode(bytes: Uint8Array): KeyPackage | undefined {
  try {
    const bare = decodeKeyPackage(bytes, 0);
    if (bare !== undefined && bare[1] === bytes.length) return bare[0];
  } catch {
    // fall through to the wrapped form
  }
  try {
    const wrapped = decodeMlsMessage(bytes, 0);
    if (wrapped !== undefined && wrapped[1] === bytes.length && wrapped[0].wireformat === 'mls_key_package') {
      return wrapped[0].keyPackage;
    }
  } catch {
    // malformed
  }
  return undefined;
}

/**
 * Parse and check one uploaded KeyPackage with ts-mls's decoder: an Ed25519 suite (account identity
 * keys are Ed25519), the leaf's signature key is the uploader's identity key, both the KeyPackage and
 * leaf node signatures verify, the lifetime covers now, and the init key differs from the leaf's HPKE key.
 */
export async function validateKeyPackage(
  bytes: Uint8Array,
  identityKey: Uint8Array,
  clock: Clock,
): Promise<ValidKeyPackage | KeyPackageRejectReason> {
  if (bytes.length > KEY_PACKAGE_MAX_BYTES) return 'too_large';
  const keyPackage = decode(bytes);
  if (keyPackage === undefined) return 'malformed';
  if (keyPackage.version !== 'mls10') return 'unsupported_version';
  if (!keyPackage.cipherSuite.endsWith('_Ed25519')) return 'unsupported_ciphersuite';
  if (keyPackage.leafNode.leafNodeSource !== 'key_package') return 'malformed';
  if (!constantTimeEqual(keyPackage.leafNode.signaturePublicKey, identityKey)) return 'wrong_signature_key';
  if (constantTimeEqual(keyPackage.initKey, keyPackage.leafNode.hpkePublicKey))
    return 'init_key_reuses_leaf_key';

  const suite = await suiteImpl(keyPackage.cipherSuite);
  if (!(await verifies(() => verifyKeyPackage(keyPackage, suite.signature)))) return 'bad_signature';
  if (!(await verifies(() => verifyLeafNodeSignatureKeyPackage(keyPackage.leafNode, suite.signature)))) {
    return 'bad_leaf_signature';
  }

  const { notBefore, notAfter } = keyPackage.leafNode.lifetime;
  const nowSeconds = BigInt(Math.floor(clock.now() / 1000));
  if (nowSeconds < notBefore) return 'not_yet_valid';
  if (nowSeconds > notAfter) return 'expired';

  return {
    bytes: encodeKeyPackage(keyPackage),
    ref: await makeKeyPackageRef(keyPackage, suite.hash),
    cipherSuite: keyPackage.cipherSuite,
    notBefore: secondsToMs(notBefore),
    notAfter: secondsToMs(notAfter),
  };
}

function secondsToMs(seconds: bigint): number {
  const ms = seconds * 1000n;
  return ms > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(ms);
}

/** A malformed public key or signature makes a verifier throw rather than return false. */
async function verifies(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}
