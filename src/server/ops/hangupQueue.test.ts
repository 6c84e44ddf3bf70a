import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { HangupQueue } from './hangupQueue.js';

function fakeProcess(): EventEmitter & Pick<NodeJS.Process, 'on'> {
  return new EventEmitter() as EventEmitter & Pick<NodeJS.Process, 'on'>;
}

describe('HangupQueue', () => {
  it('keeps SIGHUPs that arrive while starting and reloads once when the server listens', () => {
    const target = fakeProcess();
    const queue = new HangupQueue(target);
    let reloads = 0;
    target.emit('SIGHUP');
    target.emit('SIGHUP');
    expect(reloads).toBe(0);
    queue.listening(() => {
      reloads += 1;
      return Promise.resolve(true);
    }, silentLogger());
    expect(reloads).toBe(1);
    target.emit('SIGHUP');
    expect(reloads).toBe(2);
  });

  it('does not reload at listening when no SIGHUP came', () => {
    const target = fakeProcess();
    const queue = new HangupQueue(target);
    let reloads = 0;
    queue.listening(() => {
      reloads += 1;
      return Promise.resolve(true);
    }, silentLogger());
    expect(reloads).toBe(0);
    expect(target.listenerCount('SIGHUP')).toBe(1);
  });
});
