import type { Clock } from '../../lib/clock.js';
import { ValidationError } from '../../lib/errors.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';
import { CommitConflictError, DeliveryErrorCode } from './deliveryErrors.js';
import type { Delivery, DeliveryQueues } from './deliveryQueues.js';

export const GROUP_ID_HASH_BYTES = 32;

/**
 * Orders MLS commits: per group, the server accepts exactly one commit per epoch and only in sequence.
 * The first commit it sees for a group anchors it at that epoch (a creator's commits made while alone
 * never reach the server, so a group can be met at any epoch); after that only the epoch right after
 * the newest accepted one is taken. The same or an older epoch is stale, a later one is too far: both
 * get COMMIT_CONFLICT naming the epoch the server expects. A member who labels a commit with a huge
 * epoch therefore cannot push the group out of everyone else's reach. The server sees only a hash of
 * the group id and the epoch number, never the commit's content.
 */
export class CommitOrdering {
  private readonly statements;

  constructor(
    private readonly db: ServerDatabase,
    private readonly deps: { clock: Clock },
  ) {
    this.statements = {
      latest: db
        .prepare<[Buffer], { epoch: bigint | null }>(
          'SELECT max(epoch) AS epoch FROM group_epochs WHERE group_id_hash = ?',
        )
        .safeIntegers(true),
      insert: db.prepare<[Buffer, bigint, number]>(
        'INSERT OR IGNORE INTO group_epochs (group_id_hash, epoch, committed_at) VALUES (?, ?, ?)',
      ),
      prune: db.prepare<[number]>(
        `DELETE FROM group_epochs WHERE committed_at <= ? AND epoch < (
           SELECT max(epoch) FROM group_epochs AS newest WHERE newest.group_id_hash = group_epochs.group_id_hash)`,
      ),
    };
  }

  /** Accept the commit that moves `groupIdHash` out of `epoch`, or return CommitConflictError. */
  acceptCommit(groupIdHash: Uint8Array, epoch: bigint): { accepted: true } | CommitConflictError {
    if (groupIdHash.length !== GROUP_ID_HASH_BYTES || epoch < 0n || epoch >= 2n ** 63n) {
      throw new ValidationError(
        DeliveryErrorCode.CommitBadInput,
        'a group id hash is 32 bytes and an epoch a 63-bit integer',
      );
    }
    const key = Buffer.from(groupIdHash);
    return this.db
      .transaction(() => {
        const latest = this.statements.latest.get(key)?.epoch ?? null;
        if (latest !== null && epoch <= latest) return new CommitConflictError(latest, 'stale');
        if (latest !== null && epoch > latest + 1n) return new CommitConflictError(latest, 'too_far');
        this.statements.insert.run(key, epoch, this.deps.clock.now());
        return { accepted: true } as const;
      })
      .immediate();
  }

  /**
   * Accept a commit and enqueue its fan-out in one transaction: either the commit is accepted and every
   * member's copy is durable, or nothing happened (a full queue or a conflict leaves no trace).
   */
  acceptCommitAndEnqueue(
    queues: DeliveryQueues,
    groupIdHash: Uint8Array,
    epoch: bigint,
    deliveries: readonly Delivery[],
  ): { accepted: true; stored: { id: number; expiresAt: number }[] } | CommitConflictError {
    return this.db
      .transaction(() => {
        const outcome = this.acceptCommit(groupIdHash, epoch);
        if (outcome instanceof CommitConflictError) return outcome;
        return { accepted: true as const, stored: queues.enqueueBatch(deliveries) };
      })
      .immediate();
  }

  /** Forget epochs committed before `olderThanMs` ago, keeping each group's newest. */
  prune(olderThanMs: number): number {
    return this.statements.prune.run(this.deps.clock.now() - olderThanMs).changes;
  }
}
