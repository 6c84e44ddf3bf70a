import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../../lib/errors.js';
import { BackgroundTask, BackgroundWork } from './backgroundWork.js';
import type { EngineEvent } from './engineTypes.js';

function setup() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const events: EngineEvent[] = [];
  const work = new BackgroundWork(pino({ level: 'info' }, sink), (event) => events.push(event));
  return { work, lines, events };
}

describe('BackgroundWork', () => {
  it('turns a failure into one log line (task and code only) and one backgroundFailed event', async () => {
    const { work, lines, events } = setup();
    const failure = new NetworkError('SERVER_UNREACHABLE', 'cannot reach alice.example:7443', {
      hint: 'check that qpc-server is running',
    });
    expect(await work.settle(BackgroundTask.replenishKeyPackages, () => Promise.reject(failure))).toBe(false);
    expect(events).toEqual([
      {
        type: 'backgroundFailed',
        task: 'replenishKeyPackages',
        code: 'SERVER_UNREACHABLE',
        message: 'cannot reach alice.example:7443',
        hint: 'check that qpc-server is running',
      },
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 40,
      event: 'backgroundFailed',
      task: 'replenishKeyPackages',
      code: 'SERVER_UNREACHABLE',
      errorName: 'NetworkError',
    });
    // The message (which names a host, and could name a user) stays out of the log.
    expect(JSON.stringify(lines)).not.toContain('alice');
  });

  it('reports a plain bug as UNEXPECTED, and run() never throws', async () => {
    const events: EngineEvent[] = [];
    const reported = new Promise<void>((resolve) => {
      const work = new BackgroundWork(pino({ level: 'silent' }), (event) => {
        events.push(event);
        resolve();
      });
      work.run(BackgroundTask.incomingPush, () => Promise.reject(new TypeError('boom')));
    });
    await reported;
    expect(events).toMatchObject([{ type: 'backgroundFailed', task: 'incomingPush', code: 'UNEXPECTED' }]);
  });

  it('says nothing when the work succeeds', async () => {
    const { work, lines, events } = setup();
    expect(await work.settle(BackgroundTask.flushOutbox, () => Promise.resolve())).toBe(true);
    expect(events).toEqual([]);
    expect(lines).toEqual([]);
  });
});
