import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { Method } from '../../protocol/index.js';
import { newTestMember } from '../mls/testKit.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { createMemoryStore } from '../store/memoryStore.js';
import { replenishKeyPackages } from './keyPackageSupply.js';

const DAY = 24 * 60 * 60 * 1000;

/** A server that answers CountKeyPackages from `state` and records uploads. */
function fakeServer(state: { available: number; hasLastResort: boolean }) {
  const uploads: { lastResort: boolean }[][] = [];
  const connection = {
    request: (method: number, body: { keyPackages?: { lastResort: boolean }[] }) => {
      if (method === Method.CountKeyPackages) return Promise.resolve({ ...state });
      if (method === Method.UploadKeyPackages) {
        const batch = body.keyPackages ?? [];
        uploads.push(batch);
        state.available += batch.filter((upload) => !upload.lastResort).length;
        if (batch.some((upload) => upload.lastResort)) state.hasLastResort = true;
        return Promise.resolve({ available: state.available });
      }
      return Promise.reject(new Error(`unexpected method ${method}`));
    },
  } as unknown as ServerConnection;
  return { connection, uploads };
}

describe('replenishKeyPackages with keyPackagePlan', () => {
  it('tops up below the threshold and rotates the last-resort package after its period', async () => {
    const store = createMemoryStore();
    const member = newTestMember('alice', store);
    const clock = new ManualClock(1_700_000_000_000);
    const server = fakeServer({ available: 0, hasLastResort: false });
    const options = {
      store,
      provider: member.env.provider,
      clock,
      identity: member.identity,
      threshold: 2,
      batchSize: 3,
      lastResortMaxAgeMs: DAY,
    };
    const lastResorts = () => store.keyPackages.list().filter((record) => record.lastResort);

    expect((await replenishKeyPackages(server.connection, options)).uploaded).toBe(4);
    expect(server.uploads[0]?.filter((upload) => upload.lastResort)).toHaveLength(1);

    // Enough on the server and a young last-resort package: nothing to do.
    clock.advance(DAY / 2);
    expect((await replenishKeyPackages(server.connection, options)).uploaded).toBe(0);

    // Past its period: a new last-resort package, the old private key kept for one more period.
    clock.advance(DAY);
    expect((await replenishKeyPackages(server.connection, options)).uploaded).toBe(1);
    expect(lastResorts()).toHaveLength(2);

    // Another period later: rotated again, and the first one (two periods old) is deleted.
    clock.advance(DAY + 1);
    expect((await replenishKeyPackages(server.connection, options)).uploaded).toBe(1);
    expect(lastResorts()).toHaveLength(2);
    expect(lastResorts().every((record) => record.createdAt > 1_700_000_000_000)).toBe(true);
  }, 60_000);
});
