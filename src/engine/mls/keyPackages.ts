import {
  defaultCapabilities,
  defaultLifetime,
  generateKeyPackageWithKey,
  type CryptoProvider,
  type KeyPackage,
  type PrivateKeyPackage,
} from 'ts-mls';
import { makeKeyPackageRef, verifyKeyPackage } from 'ts-mls/keyPackage.js';
import type { Clock } from '../../lib/clock.js';
import { concatBytes, constantTimeEqual, toHex, wipe } from '../../lib/bytes.js';
import type { KeyPackageRecord, ProfileStore } from '../store/types.js';
import { assertSupportedCiphersuite, DEFAULT_CIPHERSUITE, loadCiphersuite } from './ciphersuites.js';
import { assertIdentity, basicCredentialFor, type MlsIdentity } from './credentials.js';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';
import { decodeWholeMlsMessage, encodeKeyPackageMessage } from './wireMessages.js';

export interface GenerateKeyPackageOptions {
  store: ProfileStore;
  provider: CryptoProvider;
  clock: Clock;
  identity: MlsIdentity;
  ciphersuite?: string;
  /** Kept after a Welcome consumes it, so that someone can always add us (RFC 9420 16.8). */
  lastResort?: boolean;
}

export interface GeneratedKeyPackage {
  /** KeyPackageRef, hex: the key under which the private parts are stored. */
  ref: string;
  ciphersuite: string;
  /** The public KeyPackage as MLSMessage bytes, ready to upload. */
  publicPackage: Uint8Array;
  lastResort: boolean;
}

const PRIVATE_PACKAGE_VERSION = 1;

/**
 * Only the init and HPKE leaf private keys are stored per KeyPackage: the signature key is the
 * identity key, which the identity module owns, so it is not copied into every record.
 */
export function encodePrivateKeyParts(privatePackage: PrivateKeyPackage): Uint8Array {
  const { initPrivateKey: init, hpkePrivateKey: hpke } = privatePackage;
  const header = new Uint8Array([PRIVATE_PACKAGE_VERSION, init.length >> 8, init.length & 0xff]);
  const middle = new Uint8Array([hpke.length >> 8, hpke.length & 0xff]);
  return concatBytes(header, init, middle, hpke);
}

export function decodePrivateKeyParts(bytes: Uint8Array, signaturePrivateKey: Uint8Array): PrivateKeyPackage {
  const fail = (): never => {
    throw new MlsInputError(mlsErrorCodes.badInput, 'stored KeyPackage private parts are corrupt');
  };
  if (bytes.length < 5 || bytes[0] !== PRIVATE_PACKAGE_VERSION) fail();
  const initLength = (bytes[1]! << 8) | bytes[2]!;
  const hpkeStart = 3 + initLength + 2;
  if (bytes.length < hpkeStart) fail();
  const hpkeLength = (bytes[3 + initLength]! << 8) | bytes[4 + initLength]!;
  if (bytes.length !== hpkeStart + hpkeLength) fail();
  return {
    initPrivateKey: bytes.slice(3, 3 + initLength),
    hpkePrivateKey: bytes.slice(hpkeStart),
    signaturePrivateKey: new Uint8Array(signaturePrivateKey),
  };
}

export function wipePrivateKeyPackage(privatePackage: PrivateKeyPackage): void {
  wipe(privatePackage.initPrivateKey, privatePackage.hpkePrivateKey, privatePackage.signaturePrivateKey);
}

/** Generates a KeyPackage signed by the identity key and stores its private parts before returning. */
export async function generateKeyPackage(options: GenerateKeyPackageOptions): Promise<GeneratedKeyPackage> {
  const { store, provider, clock, identity } = options;
  assertIdentity(identity);
  const ciphersuite = assertSupportedCiphersuite(options.ciphersuite ?? DEFAULT_CIPHERSUITE);
  const impl = await loadCiphersuite(ciphersuite, provider);
  // Copies: ts-mls keeps references, and the caller may wipe its identity buffers.
  const signatureKeyPair = {
    signKey: new Uint8Array(identity.signingPrivateKey),
    publicKey: new Uint8Array(identity.signingPublicKey),
  };
  const { publicPackage, privatePackage } = await generateKeyPackageWithKey(
    basicCredentialFor(identity.signingPublicKey),
    defaultCapabilities(),
    defaultLifetime,
    [],
    signatureKeyPair,
    impl,
  );
  const ref = toHex(await makeKeyPackageRef(publicPackage, impl.hash));
  const publicBytes = encodeKeyPackageMessage(publicPackage);
  const privateBytes = encodePrivateKeyParts(privatePackage);
  const lastResort = options.lastResort ?? false;
  const record: KeyPackageRecord = {
    ref,
    ciphersuite,
    publicPackage: publicBytes,
    privatePackage: privateBytes,
    lastResort,
    createdAt: clock.now(),
  };
  try {
    store.keyPackages.put(record);
  } finally {
    wipe(privateBytes, signatureKeyPair.signKey);
    wipePrivateKeyPackage(privatePackage);
  }
  return { ref, ciphersuite, publicPackage: publicBytes, lastResort };
}

/**
 * Decodes and checks someone else's KeyPackage before we add them: a supported suite, a valid
 * signature, and a basic credential naming the signing key (the identity key).
 */
export async function parseMemberKeyPackage(
  bytes: Uint8Array,
  provider: CryptoProvider,
  expectedCiphersuite: string,
): Promise<KeyPackage> {
  const message = decodeWholeMlsMessage(bytes);
  if (message.wireformat !== 'mls_key_package') {
    throw new MlsInputError(mlsErrorCodes.badInput, 'expected a KeyPackage');
  }
  const keyPackage = message.keyPackage;
  if (keyPackage.cipherSuite !== expectedCiphersuite) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'the KeyPackage uses another ciphersuite than the group');
  }
  const impl = await loadCiphersuite(expectedCiphersuite, provider);
  const { credential, signaturePublicKey } = keyPackage.leafNode;
  const credentialOk =
    credential.credentialType === 'basic' && constantTimeEqual(credential.identity, signaturePublicKey);
  if (!credentialOk || !(await verifyKeyPackage(keyPackage, impl.signature))) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'the KeyPackage signature or credential is invalid');
  }
  return keyPackage;
}
