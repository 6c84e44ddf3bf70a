import type { Clock } from '../../lib/clock.js';
import { toHex } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import {
  validateKeyPackage,
  type KeyPackageRejectReason,
  type ValidKeyPackage,
} from './validateKeyPackage.js';
import { ServerErrorCode } from '../serverErrors.js';

/** Most KeyPackages in one upload. */
export const KEY_PACKAGE_UPLOAD_MAX = 100;

export interface KeyPackageUpload {
  /** A KeyPackage, bare or wrapped in an MLSMessage. */
  bytes: Uint8Array;
  /** Kept and handed out only when no ordinary package is left; never deleted by a fetch. */
  lastResort?: boolean;
}

export interface KeyPackageUploadResult {
  accepted: number;
  /** `index` is the position in the upload. */
  rejected: { index: number; reason: KeyPackageRejectReason }[];
}

export interface FetchedKeyPackage {
  /** Canonical KeyPackage bytes (bare, not MLSMessage-wrapped). */
  bytes: Uint8Array;
  /** KeyPackageRef, hex. */
  ref: string;
  cipherSuite: string;
  lastResort: boolean;
}

interface PackageRow {
  id: number;
  package: Buffer;
  ref: Buffer;
  cipher_suite: string;
  last_resort: number;
}

/**
 * Per-user KeyPackages for adding members to groups. A fetch hands a package out exactly once (the
 * select and delete share one IMMEDIATE transaction); a last-resort package stays for reuse.
 */
export class KeyPackageDirectory {
  private readonly statements;

  constructor(
    private readonly db: ServerDatabase,
    private readonly deps: { clock: Clock },
  ) {
    const suiteFilter = '(? IS NULL OR cipher_suite = ?)';
    this.statements = {
      insert: db.prepare<[number, Buffer, string, Buffer, number, number, number, number]>(
        `INSERT OR IGNORE INTO key_packages
           (user_id, ref, cipher_suite, package, last_resort, not_before, not_after, uploaded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      deleteLastResort: db.prepare<[number, string]>(
        'DELETE FROM key_packages WHERE user_id = ? AND last_resort = 1 AND cipher_suite = ?',
      ),
      pick: db.prepare<[number, number, number, number, string | null, string | null], PackageRow>(
        `SELECT id, package, ref, cipher_suite, last_resort FROM key_packages
         WHERE user_id = ? AND last_resort = ? AND not_before <= ? AND not_after >= ? AND ${suiteFilter}
         ORDER BY id LIMIT 1`,
      ),
      consume: db.prepare<[number]>('DELETE FROM key_packages WHERE id = ?'),
      count: db.prepare<[number, number, number, string | null, string | null], { n: number }>(
        `SELECT count(*) AS n FROM key_packages
         WHERE user_id = ? AND last_resort = 0 AND not_before <= ? AND not_after >= ? AND ${suiteFilter}`,
      ),
      prune: db.prepare<[number]>('DELETE FROM key_packages WHERE not_after < ?'),
      retireAll: db.prepare<[number]>('DELETE FROM key_packages WHERE user_id = ?'),
    };
  }

  /**
   * Validate each package against the uploader's identity key and store the valid ones. Invalid or
   * duplicate packages are reported by index; the rest are stored in one transaction. A new
   * last-resort package replaces the user's previous one for the same ciphersuite.
   */
  async upload(
    userId: number,
    identityKey: Uint8Array,
    uploads: readonly KeyPackageUpload[],
  ): Promise<KeyPackageUploadResult> {
    if (uploads.length === 0 || uploads.length > KEY_PACKAGE_UPLOAD_MAX) {
      throw new ValidationError(
        ServerErrorCode.keyPackageBatchSize,
        `upload 1 to ${KEY_PACKAGE_UPLOAD_MAX} KeyPackages at a time`,
      );
    }
    const rejected: KeyPackageUploadResult['rejected'] = [];
    const valid: { index: number; lastResort: boolean; keyPackage: ValidKeyPackage }[] = [];
    for (const [index, upload] of uploads.entries()) {
      const outcome = await validateKeyPackage(upload.bytes, identityKey, this.deps.clock);
      if (typeof outcome === 'string') rejected.push({ index, reason: outcome });
      else valid.push({ index, lastResort: upload.lastResort === true, keyPackage: outcome });
    }
    const now = this.deps.clock.now();
    const accepted = this.db
      .transaction(() => {
        let stored = 0;
        for (const { index, lastResort, keyPackage } of valid) {
          if (lastResort) this.statements.deleteLastResort.run(userId, keyPackage.cipherSuite);
          const inserted = this.statements.insert.run(
            userId,
            Buffer.from(keyPackage.ref),
            keyPackage.cipherSuite,
            Buffer.from(keyPackage.bytes),
            lastResort ? 1 : 0,
            keyPackage.notBefore,
            keyPackage.notAfter,
            now,
          );
          if (inserted.changes === 1) stored++;
          else rejected.push({ index, reason: 'duplicate' });
        }
        return stored;
      })
      .immediate();
    rejected.sort((a, b) => a.index - b.index);
    return { accepted, rejected };
  }

  /** Take one package for `userId` (optionally of one ciphersuite), or undefined when there is none at all. */
  fetch(userId: number, options: { cipherSuite?: string } = {}): FetchedKeyPackage | undefined {
    const suite = options.cipherSuite ?? null;
    return this.db
      .transaction(() => {
        const now = this.deps.clock.now();
        const ordinary = this.statements.pick.get(userId, 0, now, now, suite, suite);
        if (ordinary !== undefined) {
          this.statements.consume.run(ordinary.id);
          return toFetched(ordinary);
        }
        const lastResort = this.statements.pick.get(userId, 1, now, now, suite, suite);
        return lastResort === undefined ? undefined : toFetched(lastResort);
      })
      .immediate();
  }

  /** Ordinary (not last-resort) packages still available for `userId`: the client tops up below a threshold. */
  count(userId: number, options: { cipherSuite?: string } = {}): number {
    const suite = options.cipherSuite ?? null;
    const now = this.deps.clock.now();
    return this.statements.count.get(userId, now, now, suite, suite)?.n ?? 0;
  }

  /**
   * Delete every package of `userId`, last-resort ones included; returns how many. PublishKeys calls it:
   * a new hybrid key means a new device (a restore), and the old device's packages open only with
   * private keys that died with it, so a Welcome made from one could never be read.
   */
  retireAll(userId: number): number {
    return this.statements.retireAll.run(userId).changes;
  }

  /** Delete packages whose lifetime ended; returns how many. */
  pruneExpired(): number {
    return this.statements.prune.run(this.deps.clock.now()).changes;
  }
}

function toFetched(row: PackageRow): FetchedKeyPackage {
  return {
    bytes: new Uint8Array(row.package),
    ref: toHex(row.ref),
    cipherSuite: row.cipher_suite,
    lastResort: row.last_resort === 1,
  };
}
