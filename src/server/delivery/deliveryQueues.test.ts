import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { openServerDatabase, type ServerDatabase } from '../storage/openServerDatabase.js';
import { MessageTooLargeError, QueueFullError } from './deliveryErrors.js';
import { DeliveryQueues } from './deliveryQueues.js';

const alice = new Uint8Array(32).fill(0xa1);
const bob = new Uint8Array(32).fill(0xb0);
const DAY = 86_400_000;
let db: ServerDatabase;
let clock: ManualClock;
let counts: { enqueued: number; delivered: number };

function queues(
  overrides: Partial<{ messageMaxBytes: number; queueCap: number; messageTtlMs: number }> = {},
) {
  return new DeliveryQueues(db, {
    clock,
    messageMaxBytes: 1024,
    queueCap: 100,
    messageTtlMs: 30 * DAY,
    onEnqueued: (n) => (counts.enqueued += n),
    onDelivered: (n) => (counts.delivered += n),
    ...overrides,
  });
}

beforeEach(() => {
  db = openServerDatabase(':memory:', new Uint8Array(32));
  clock = new ManualClock(1_000_000);
  counts = { enqueued: 0, delivered: 0 };
});
afterEach(() => db.close());

describe('DeliveryQueues', () => {
  it('delivers in order per recipient, in batches with a cursor, and deletes on ack', () => {
    const q = queues();
    for (let i = 0; i < 5; i++) q.enqueue(alice, new Uint8Array([i]));
    q.enqueue(bob, new Uint8Array([99]));

    const first = q.fetch(alice, { limit: 3 });
    expect(first.messages.map((m) => m.payload[0])).toEqual([0, 1, 2]);
    expect(first.hasMore).toBe(true);
    const second = q.fetch(alice, { afterId: first.nextCursor, limit: 3 });
    expect(second.messages.map((m) => m.payload[0])).toEqual([3, 4]);
    expect(second.hasMore).toBe(false);

    expect(
      q.ack(
        bob,
        first.messages.map((m) => m.id),
      ),
    ).toBe(0); // not bob's to delete
    expect(
      q.ack(
        alice,
        first.messages.map((m) => m.id),
      ),
    ).toBe(3);
    expect(q.depth(alice)).toBe(2);
    expect(q.fetch(alice).messages.map((m) => m.payload[0])).toEqual([3, 4]);
    expect(q.totalDepth()).toBe(3);
    expect(counts).toEqual({ enqueued: 6, delivered: 3 });
  });

  it('refuses a message over the size limit with a typed error', () => {
    const q = queues({ messageMaxBytes: 16 });
    expect(q.enqueue(alice, new Uint8Array(16)).id).toBeGreaterThan(0);
    expect(() => q.enqueue(alice, new Uint8Array(17))).toThrow(MessageTooLargeError);
    expect(q.depth(alice)).toBe(1);
  });

  it('refuses a message beyond the queue cap, and a batch fan-out is all or nothing', () => {
    const q = queues({ queueCap: 2 });
    q.enqueue(alice, new Uint8Array([1]));
    q.enqueue(alice, new Uint8Array([2]));
    expect(() => q.enqueue(alice, new Uint8Array([3]))).toThrow(QueueFullError);
    expect(() =>
      q.enqueueBatch([
        { recipient: bob, payload: new Uint8Array([1]) },
        { recipient: alice, payload: new Uint8Array([4]) },
      ]),
    ).toThrow(QueueFullError);
    expect(q.depth(bob)).toBe(0);
  });

  it('counts only unexpired messages against the cap, before they are pruned', () => {
    const q = queues({ queueCap: 2, messageTtlMs: DAY });
    q.enqueue(alice, new Uint8Array([1]));
    clock.advance(DAY / 2);
    q.enqueue(alice, new Uint8Array([2]));
    expect(() => q.enqueue(alice, new Uint8Array([3]))).toThrow(QueueFullError);
    clock.advance(DAY / 2); // the first has expired, and no prune ran: its row is still there
    q.enqueue(alice, new Uint8Array([4]));
    expect(db.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: 3 });
    expect(() => q.enqueue(alice, new Uint8Array([5]))).toThrow(QueueFullError);
  });

  it('hides and prunes messages past their TTL', () => {
    const q = queues({ messageTtlMs: 30 * DAY });
    q.enqueue(alice, new Uint8Array([1]));
    clock.advance(29 * DAY);
    q.enqueue(alice, new Uint8Array([2]));
    clock.advance(DAY);
    expect(q.fetch(alice).messages.map((m) => m.payload[0])).toEqual([2]);
    expect(q.pruneExpired()).toBe(1);
    expect(db.prepare('SELECT count(*) AS n FROM queue').get()).toEqual({ n: 1 });
  });
});

describe('durability', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'qpc-queue-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps an acknowledged enqueue when the process is killed with SIGKILL', async () => {
    const path = join(dir, 'server.db');
    const keyHex = '5a'.repeat(32);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'testFixtures', 'enqueueAndHang.ts'), path, keyHex],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const id = await new Promise<number>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /enqueued (\d+)\n/.exec(output);
        if (match !== null) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const reopened = openServerDatabase(path, new Uint8Array(Buffer.from(keyHex, 'hex')));
    const q = new DeliveryQueues(reopened, {
      clock: new ManualClock(Date.now()),
      messageMaxBytes: 1024,
      queueCap: 10,
      messageTtlMs: DAY,
    });
    const fetched = q.fetch(new Uint8Array(32).fill(1));
    reopened.close();
    expect(fetched.messages.map((m) => [m.id, [...m.payload]])).toEqual([[id, [1, 2, 3]]]);
  });
});
