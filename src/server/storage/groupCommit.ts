import type { ServerDatabase } from './openServerDatabase.js';

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommitEvents {
  /** One batch committed (or failed): how many writes it held and how long the transaction took. */
  onBatch?(size: number, durationMs: number): void;
}

/**
 * Group commit: writes that arrive in the same turn of the event loop share one IMMEDIATE transaction,
 * so one fsync (WAL, synchronous=FULL) makes all of them durable instead of one fsync each. Each write
 * runs in its own savepoint: one that throws (a full queue, a commit conflict) is rolled back alone and
 * its caller gets its own error, while the others commit. A caller's promise settles only after the
 * COMMIT returned, so nobody hears "accepted" before the write is on disk. When the COMMIT itself fails
 * (a full disk, an I/O error), nothing of the batch is stored and every member gets that error.
 *
 * The batch is run from setImmediate: requests read in one poll phase of the loop all join it, and a
 * lone request waits for no timer.
 */
export class GroupCommit {
  private pending: PendingWrite[] = [];
  private scheduled = false;

  constructor(
    private readonly db: ServerDatabase,
    private readonly events: GroupCommitEvents = {},
  ) {}

  /**
   * Run `work` (synchronous database calls) in the next batch; resolves with its result once the batch
   * is durable. `work` may open its own db.transaction: inside the batch it becomes a savepoint.
   */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes waiting for the next batch (for tests and shutdown). */
  get waiting(): number {
    return this.pending.length;
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const started = performance.now();
    const outcomes: Outcome[] = [];
    try {
      this.db
        .transaction(() => {
          for (const write of batch) {
            outcomes.push(this.runOne(write));
            // Some errors (SQLITE_FULL, SQLITE_IOERR) make SQLite roll back the whole transaction: the
            // writes before this one are gone too, and the next would run outside any transaction.
            if (!this.db.inTransaction) throw lastError(outcomes);
          }
        })
        .immediate();
    } catch (error) {
      this.events.onBatch?.(batch.length, performance.now() - started);
      for (const write of batch) write.reject(error);
      return;
    }
    this.events.onBatch?.(batch.length, performance.now() - started);
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome === undefined) write.reject(new Error('group commit lost a write'));
      else if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
  }

  private runOne(write: PendingWrite): Outcome {
    try {
      // A nested db.transaction is a savepoint: a throw undoes this write alone.
      return { ok: true, value: this.db.transaction(write.work)() };
    } catch (error) {
      return { ok: false, error };
    }
  }
}

function lastError(outcomes: readonly Outcome[]): unknown {
  const last = outcomes.at(-1);
  return last !== undefined && !last.ok ? last.error : new Error('the transaction ended early');
}
