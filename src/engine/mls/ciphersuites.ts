import { nodeCryptoProvider } from './crypto/nodeCryptoProvider.js';
import {
  defaultCryptoProvider,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  type CiphersuiteImpl,
  type CryptoProvider,
} from 'ts-mls';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';

/** Post-quantum hybrid (X25519 + ML-KEM-768): the default for every new group (docs/mls.md). */
export const DEFAULT_CIPHERSUITE = 'MLS_256_XWING_AES256GCM_SHA512_Ed25519';
/** Classical suite 1: about 8x smaller Welcomes and faster commits, for very large groups. */
export const CLASSICAL_CIPHERSUITE = 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519';

export const supportedCiphersuites = [DEFAULT_CIPHERSUITE, CLASSICAL_CIPHERSUITE] as const;
export type MlsCiphersuiteName = (typeof supportedCiphersuites)[number];

export function isSupportedCiphersuite(name: string): name is MlsCiphersuiteName {
  return (supportedCiphersuites as readonly string[]).includes(name);
}

export function assertSupportedCiphersuite(name: string): MlsCiphersuiteName {
  if (!isSupportedCiphersuite(name)) {
    throw new MlsInputError(mlsErrorCodes.unsupportedSuite, 'unsupported MLS ciphersuite', {
      hint: `use ${DEFAULT_CIPHERSUITE} or ${CLASSICAL_CIPHERSUITE}`,
    });
  }
  return name;
}

/**
 * The provider is a parameter everywhere; the engine uses the node:crypto one (several times faster than
 * ts-mls's WebCrypto default, which re-imports the signing key at every signature), which interoperates with it byte for byte.
 */
export const defaultMlsCryptoProvider: CryptoProvider = nodeCryptoProvider;

/** ts-mls's own provider: the interop and benchmark baseline. */
export const tsMlsDefaultCryptoProvider: CryptoProvider = defaultCryptoProvider;

// Building a CiphersuiteImpl imports modules and sets up KEMs: do it once per provider and suite.
const implCache = new WeakMap<CryptoProvider, Map<string, Promise<CiphersuiteImpl>>>();

export function loadCiphersuite(name: string, provider: CryptoProvider): Promise<CiphersuiteImpl> {
  const suite = assertSupportedCiphersuite(name);
  let byName = implCache.get(provider);
  if (byName === undefined) {
    byName = new Map();
    implCache.set(provider, byName);
  }
  let impl = byName.get(suite);
  if (impl === undefined) {
    impl = getCiphersuiteImpl(getCiphersuiteFromName(suite), provider);
    // A failed load must not stay cached.
    impl.catch(() => byName.delete(suite));
    byName.set(suite, impl);
  }
  return impl;
}
