import { rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../lib/logger.js';

/** Space kept in reserve in the data directory and given back when the disk fills (see the class). */
export const DEFAULT_BALLAST_BYTES = 4 * 1024 * 1024;
export const BALLAST_FILE = 'storage-reserve.bin';
/** How long a client waits before retrying a write refused for a full disk. */
export const STORAGE_FULL_RETRY_MS = 30_000;
/** How long a client waits after a transient database error (busy, I/O). */
export const STORAGE_UNAVAILABLE_RETRY_MS = 1_000;
/** While exhausted, the free space is checked again at most this often (one statfs call). */
const RECHECK_INTERVAL_MS = 2_000;

/** What a failed database call says about the storage: full, briefly unusable, or nothing storage-wide. */
export type StorageFailureKind = 'full' | 'unavailable';

export interface StorageHealthEvents {
  /** A storage failure was seen (for qpc_storage_errors_total{kind}). */
  onFailure?(kind: StorageFailureKind): void;
  /** The exhausted state changed (for the qpc_storage_exhausted gauge). */
  onExhaustedChange?(exhausted: boolean): void;
}

/**
 * Classify an error thrown by better-sqlite3 or node:fs. SQLITE_FULL and ENOSPC/EDQUOT mean the disk is
 * full; busy, locked, I/O and read-only errors mean the database cannot be written right now. Anything
 * else (a constraint, a bug) is not a storage condition and stays what it was.
 */
export function classifyStorageFailure(error: unknown, depth = 0): StorageFailureKind | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  // A storage error wrapped by one of our own errors keeps the driver's error as its cause.
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  if (typeof code !== 'string')
    return cause === undefined || depth > 2 ? undefined : classifyStorageFailure(cause, depth + 1);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (
    code.startsWith('SQLITE_BUSY') ||
    code.startsWith('SQLITE_LOCKED') ||
    code.startsWith('SQLITE_IOERR') ||
    code.startsWith('SQLITE_READONLY') ||
    code === 'SQLITE_CANTOPEN' ||
    code === 'EIO'
  ) {
    return 'unavailable';
  }
  return cause === undefined || depth > 2 ? undefined : classifyStorageFailure(cause, depth + 1);
}

/**
 * Keeps the server useful when its disk fills. At start it writes a reserve file (the ballast) into the
 * data directory. The first SQLITE_FULL marks the storage exhausted and deletes the reserve: from then
 * on requests that only add data (messages, KeyPackages, accounts) are refused at once with
 * RESOURCE_EXHAUSTED, while the space given back serves what keeps people working: logins (a session
 * row), fetches and acks (which shrink the queues). Every RECHECK_INTERVAL_MS while exhausted, the free
 * space is measured; once the reserve fits twice over (an operator freed space), it is written again and
 * the refusals stop.
 */
export class StorageHealth {
  private exhausted = false;
  private nextCheckAt = 0;
  private readonly ballastPath: string | undefined;

  constructor(
    private readonly deps: {
      /** The data directory, or undefined for an in-memory database (no reserve, no statfs). */
      dataDir: string | undefined;
      clock: Clock;
      logger: Logger;
      ballastBytes?: number;
      events?: StorageHealthEvents;
    },
  ) {
    this.ballastPath = deps.dataDir === undefined ? undefined : join(deps.dataDir, BALLAST_FILE);
  }

  private get ballastBytes(): number {
    return this.deps.ballastBytes ?? DEFAULT_BALLAST_BYTES;
  }

  /**
   * Write the reserve if there is room for it; a disk already too full starts exhausted. Returns whether
   * the reserve is in place (always true with no data directory or a zero reserve).
   */
  start(): boolean {
    if (this.ballastPath === undefined || this.ballastBytes === 0) return true;
    try {
      writeFileSync(this.ballastPath, Buffer.alloc(this.ballastBytes), { mode: 0o600 });
      return true;
    } catch (error) {
      rmSync(this.ballastPath, { force: true });
      if (classifyStorageFailure(error) !== 'full') throw error;
      this.markExhausted();
      return false;
    }
  }

  get isExhausted(): boolean {
    return this.exhausted;
  }

  /**
   * Note a failed call; returns its kind when it is a storage condition (the caller answers it as
   * RESOURCE_EXHAUSTED or UNAVAILABLE), undefined otherwise.
   */
  noteFailure(error: unknown): StorageFailureKind | undefined {
    const kind = classifyStorageFailure(error);
    if (kind === undefined) return undefined;
    this.deps.events?.onFailure?.(kind);
    if (kind === 'full') this.markExhausted();
    return kind;
  }

  /** True while writes that add data must be refused; rechecks the free space now and then. */
  refusesGrowth(): boolean {
    if (!this.exhausted) return false;
    const now = this.deps.clock.now();
    if (now < this.nextCheckAt) return true;
    this.nextCheckAt = now + RECHECK_INTERVAL_MS;
    if (this.freeBytes() < 2 * Math.max(this.ballastBytes, 1024 * 1024)) return true;
    try {
      if (!this.start()) return true;
    } catch (error) {
      // Not a full disk (that is handled in start): stay exhausted, say why, and try again later.
      this.deps.logger.warn(
        { event: 'storage_reserve_failed', err: (error as Error).name },
        'reserve not written',
      );
      return true;
    }
    this.exhausted = false;
    this.deps.events?.onExhaustedChange?.(false);
    this.deps.logger.info({ event: 'storage_recovered' }, 'disk space is back; writes are accepted again');
    return false;
  }

  private markExhausted(): void {
    this.nextCheckAt = this.deps.clock.now() + RECHECK_INTERVAL_MS;
    if (this.exhausted) return;
    this.exhausted = true;
    if (this.ballastPath !== undefined) rmSync(this.ballastPath, { force: true });
    this.deps.events?.onExhaustedChange?.(true);
    this.deps.logger.error(
      { event: 'storage_exhausted' },
      'the disk is full: new messages are refused (RESOURCE_EXHAUSTED); logins, fetches and acks go on. Free space in the data directory.',
    );
  }

  private freeBytes(): number {
    if (this.deps.dataDir === undefined) return Number.MAX_SAFE_INTEGER;
    const stats = statfsSync(this.deps.dataDir);
    return stats.bavail * stats.bsize;
  }
}
