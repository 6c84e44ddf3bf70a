import { describe, expect, it } from 'vitest';
import { RateLimitError, StorageError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/index.js';
import { StoreErrorCode } from '../store/storageErrors.js';
import type { ClientContext } from './clientContext.js';
import { OutboxSender } from './outboxSender.js';

/**
 * The outbox's rate-limit retry runs from a timer, with no caller to throw to: a failure there must reach
 * the engine (which reports it as backgroundFailed) instead of vanishing.
 */
function contextWhere(outboxList: () => unknown[]): ClientContext {
  const own = new Uint8Array(32).fill(1);
  const other = new Uint8Array(32).fill(2);
  const fake = {
    identity: () => ({ username: 'alice', mls: { signingPublicKey: own } }),
    connection: () => ({
      state: 'online',
      request: () => Promise.reject(new RateLimitError(WireErrorCode.RateLimited, 'slow down', 50)),
    }),
    groups: {
      has: () => true,
      session: () =>
        Promise.resolve({
          info: () => ({ members: [own, other] }),
          sendMessage: () => Promise.resolve(new Uint8Array(8)),
        }),
    },
    store: {
      pendingCommits: { list: () => [] },
      outbox: { list: outboxList, recordAttempt: () => undefined, delete: () => undefined, count: () => 1 },
    },
    emit: () => undefined,
  };
  return fake as unknown as ClientContext;
}

describe('OutboxSender retry', () => {
  it('hands a failure of the timer-started flush to onRetryFailed', async () => {
    let calls = 0;
    const entry = {
      id: '00'.repeat(16),
      groupId: 'g',
      payload: new Uint8Array(4),
      createdAt: 0,
      attempts: 0,
    };
    const sender = new OutboxSender(
      contextWhere(() => {
        calls += 1;
        // The first flush is rate limited; the retry finds the store broken.
        if (calls === 1) return [entry];
        throw new StorageError(StoreErrorCode.diskFull, 'the disk is full');
      }),
    );
    const failed = new Promise<unknown>((resolve) => {
      sender.onRetryFailed = resolve;
    });
    const first = await sender.flush();
    expect(first.sent).toBe(0);
    const error = await failed;
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe(StoreErrorCode.diskFull);
    sender.cancelRetry();
  }, 5_000);
});
