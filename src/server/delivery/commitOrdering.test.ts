import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { openServerDatabase, type ServerDatabase } from '../storage/openServerDatabase.js';
import { CommitOrdering } from './commitOrdering.js';
import { CommitConflictError, QueueFullError } from './deliveryErrors.js';
import { DeliveryQueues } from './deliveryQueues.js';

const groupA = new Uint8Array(32).fill(1);
const groupB = new Uint8Array(32).fill(2);
let db: ServerDatabase;
let clock: ManualClock;
beforeEach(() => {
  db = openServerDatabase(':memory:', new Uint8Array(32));
  clock = new ManualClock(0);
});
afterEach(() => db.close());

describe('CommitOrdering', () => {
  it('accepts the first commit per (group, epoch) and gives COMMIT_CONFLICT to the next', () => {
    const ordering = new CommitOrdering(db, { clock });
    expect(ordering.acceptCommit(groupA, 5n)).toEqual({ accepted: true });
    const second = ordering.acceptCommit(groupA, 5n);
    expect(second).toBeInstanceOf(CommitConflictError);
    expect((second as CommitConflictError).code).toBe('COMMIT_CONFLICT');
    expect(ordering.acceptCommit(groupB, 5n)).toEqual({ accepted: true });
    expect(ordering.acceptCommit(groupA, 6n)).toEqual({ accepted: true });
  });

  it('refuses a commit for an epoch older than the newest accepted', () => {
    const ordering = new CommitOrdering(db, { clock });
    ordering.acceptCommit(groupA, 7n);
    const stale = ordering.acceptCommit(groupA, 3n);
    expect(stale).toBeInstanceOf(CommitConflictError);
    expect((stale as CommitConflictError).latestEpoch).toBe(7n);
  });

  it('refuses an epoch past the next one, so a huge label cannot freeze the group', () => {
    const ordering = new CommitOrdering(db, { clock });
    expect(ordering.acceptCommit(groupA, 4n)).toEqual({ accepted: true }); // anchors the group at 4
    const huge = ordering.acceptCommit(groupA, 2n ** 62n);
    expect(huge).toBeInstanceOf(CommitConflictError);
    expect((huge as CommitConflictError).reason).toBe('too_far');
    expect((huge as CommitConflictError).expectedEpoch).toBe(5n);
    expect(ordering.acceptCommit(groupA, 6n)).toBeInstanceOf(CommitConflictError);
    // The honest next commit still goes through, and the one after it.
    expect(ordering.acceptCommit(groupA, 5n)).toEqual({ accepted: true });
    expect(ordering.acceptCommit(groupA, 6n)).toEqual({ accepted: true });
    const stale = ordering.acceptCommit(groupA, 6n);
    expect((stale as CommitConflictError).reason).toBe('stale');
    expect((stale as CommitConflictError).expectedEpoch).toBe(7n);
  });

  it('accepts a commit and its fan-out atomically', () => {
    const ordering = new CommitOrdering(db, { clock });
    const queues = new DeliveryQueues(db, { clock, messageMaxBytes: 100, queueCap: 1, messageTtlMs: 1000 });
    const member = new Uint8Array(32).fill(9);
    queues.enqueue(member, new Uint8Array([0])); // the member's queue is now full
    expect(() =>
      ordering.acceptCommitAndEnqueue(queues, groupA, 1n, [
        { recipient: member, payload: new Uint8Array([1]) },
      ]),
    ).toThrow(QueueFullError);
    // The failed fan-out did not consume epoch 1.
    queues.ack(
      member,
      queues.fetch(member).messages.map((m) => m.id),
    );
    const outcome = ordering.acceptCommitAndEnqueue(queues, groupA, 1n, [
      { recipient: member, payload: new Uint8Array([1]) },
    ]);
    expect(outcome).toMatchObject({ accepted: true });
    expect(ordering.acceptCommitAndEnqueue(queues, groupA, 1n, [])).toBeInstanceOf(CommitConflictError);
  });

  it('prunes old epochs but keeps the newest of each group', () => {
    const ordering = new CommitOrdering(db, { clock });
    ordering.acceptCommit(groupA, 1n);
    ordering.acceptCommit(groupA, 2n);
    clock.advance(10_000);
    expect(ordering.prune(5_000)).toBe(1);
    expect(ordering.acceptCommit(groupA, 2n)).toBeInstanceOf(CommitConflictError);
  });
});
