/**
 * Keeps a supply of our KeyPackages on the server, so others can add us while we are offline: a batch
 * of ordinary ones (each used once) plus one last-resort package for when the batch runs out.
 */
import { ciphersuites, type CiphersuiteName, type CryptoProvider } from 'ts-mls';
import type { Clock } from '../../lib/clock.js';
import { Method } from '../../protocol/index.js';
import type { MlsIdentity } from '../mls/credentials.js';
import { DEFAULT_CIPHERSUITE } from '../mls/ciphersuites.js';
import { generateKeyPackage } from '../mls/keyPackages.js';
import type { ServerConnection } from '../net/serverConnection.js';
import type { ProfileStore } from '../store/types.js';

export interface KeyPackageSupplyOptions {
  store: ProfileStore;
  provider: CryptoProvider;
  clock: Clock;
  identity: MlsIdentity;
  ciphersuite?: string;
  /** Upload more when fewer than this many ordinary packages are left (default 10). */
  threshold?: number;
  /** How many to upload when replenishing (default 20). */
  batchSize?: number;
}

export interface KeyPackageSupplyResult {
  uploaded: number;
  available: number;
}

export function cipherSuiteId(name: string): number {
  return ciphersuites[name as CiphersuiteName];
}

/** Counts what the server holds for us and tops it up; cheap when nothing is needed (one call). */
export async function replenishKeyPackages(
  connection: ServerConnection,
  options: KeyPackageSupplyOptions,
): Promise<KeyPackageSupplyResult> {
  const suite = options.ciphersuite ?? DEFAULT_CIPHERSUITE;
  const cipherSuite = cipherSuiteId(suite);
  const threshold = options.threshold ?? 10;
  const batchSize = options.batchSize ?? 20;
  const count = await connection.request(Method.CountKeyPackages, { cipherSuite });
  const wanted = count.available < threshold ? batchSize - count.available : 0;
  const uploads: { keyPackage: Uint8Array; cipherSuite: number; lastResort: boolean }[] = [];
  const generate = async (lastResort: boolean) => {
    const generated = await generateKeyPackage({
      store: options.store,
      provider: options.provider,
      clock: options.clock,
      identity: options.identity,
      ciphersuite: suite,
      lastResort,
    });
    uploads.push({ keyPackage: generated.publicPackage, cipherSuite, lastResort });
  };
  for (let i = 0; i < wanted; i += 1) await generate(false);
  if (!count.hasLastResort) await generate(true);
  if (uploads.length === 0) return { uploaded: 0, available: count.available };
  const answer = await connection.request(Method.UploadKeyPackages, { keyPackages: uploads });
  return { uploaded: uploads.length, available: answer.available };
}
