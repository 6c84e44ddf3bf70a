/** Helpers shared by the MLS unit tests, the three-member scenario and the bench. Not used at run time. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ManualClock } from '../../lib/clock.js';
import type { CryptoProvider } from 'ts-mls';
import type { ProfileStore } from '../store/types.js';
import { createMemoryStore } from '../store/memoryStore.js';
import { defaultMlsCryptoProvider } from './ciphersuites.js';
import type { MlsIdentity } from './credentials.js';
import type { MlsEnv } from './groupSession.js';
import { generateKeyPackage } from './keyPackages.js';

export function newTestIdentity(): MlsIdentity {
  const signingPrivateKey = ed25519.utils.randomSecretKey();
  return { signingPrivateKey, signingPublicKey: ed25519.getPublicKey(signingPrivateKey) };
}

export interface TestMember {
  name: string;
  identity: MlsIdentity;
  env: MlsEnv;
}

export function newTestMember(
  name: string,
  store: ProfileStore = createMemoryStore(),
  provider: CryptoProvider = defaultMlsCryptoProvider,
): TestMember {
  return {
    name,
    identity: newTestIdentity(),
    env: { store, provider, clock: new ManualClock(1_700_000_000_000) },
  };
}

export async function keyPackageFor(
  member: TestMember,
  ciphersuite: string,
  lastResort = false,
): Promise<Uint8Array> {
  const generated = await generateKeyPackage({
    ...member.env,
    identity: member.identity,
    ciphersuite,
    lastResort,
  });
  return generated.publicPackage;
}

export const utf8Text = (text: string): Uint8Array => new TextEncoder().encode(text);
export const textOfBytes = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
