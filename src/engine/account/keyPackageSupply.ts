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
import { DEFAULT_KEY_PACKAGE_POLICY, keyPackagePlan, keyPackagePolicy } from '../privacy/selfUpdatePolicy.js';

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
  /** Replace the last-resort package once it is older than this (default 7 days, keyPackagePlan). */
  lastResortMaxAgeMs?: number;
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
  const policy = keyPackagePolicy({
    threshold: options.threshold ?? DEFAULT_KEY_PACKAGE_POLICY.threshold,
    batchSize: options.batchSize ?? DEFAULT_KEY_PACKAGE_POLICY.batchSize,
    lastResortMaxAgeMs: options.lastResortMaxAgeMs ?? DEFAULT_KEY_PACKAGE_POLICY.lastResortMaxAgeMs,
  });
  const count = await connection.request(Method.CountKeyPackages, { cipherSuite });
  const ours = options.store.keyPackages
    .list()
    .filter((record) => record.lastResort && record.ciphersuite === suite);
  for (const record of ours) record.privatePackage.fill(0);
  const newest = ours.reduce<number | undefined>(
    (latest, record) => (latest === undefined || record.createdAt > latest ? record.createdAt : latest),
    undefined,
  );
  const plan = keyPackagePlan(
    count.available,
    count.hasLastResort && newest !== undefined ? Math.max(0, options.clock.now() - newest) : undefined,
    policy,
  );
  const wanted = plan.uploadOrdinary;
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
  if (plan.lastResort !== 'keep') await generate(true);
  if (uploads.length === 0) return { uploaded: 0, available: count.available };
  const answer = await connection.request(Method.UploadKeyPackages, { keyPackages: uploads });
  if (plan.lastResort === 'rotate') {
    // The server replaced the old last-resort package. Its private key is kept for one more period
    // (a Welcome made from it may still be in flight); anything older than that is deleted now.
    const cutoff = options.clock.now() - 2 * policy.lastResortMaxAgeMs;
    for (const record of ours) if (record.createdAt < cutoff) options.store.keyPackages.delete(record.ref);
  }
  return { uploaded: uploads.length, available: answer.available };
}
