import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/clock.js';
import { QpcError } from '../../lib/errors.js';
import {
  DEFAULT_KEY_PACKAGE_POLICY,
  DEFAULT_SELF_UPDATE_POLICY,
  dueForSelfUpdate,
  freshSelfUpdateState,
  keyPackagePlan,
  keyPackagePolicy,
  policyErrorCodes,
  recordMessageSent,
  recordSelfUpdate,
  selfUpdatePolicy,
  type SelfUpdateState,
} from './selfUpdatePolicy.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof QpcError) return error.code;
    throw error;
  }
  return undefined;
}

function sendMany(state: SelfUpdateState, count: number): SelfUpdateState {
  let next = state;
  for (let i = 0; i < count; i++) next = recordMessageSent(next);
  return next;
}

describe('self-update schedule', () => {
  it('defaults to 24 hours or 100 sent messages', () => {
    expect(DEFAULT_SELF_UPDATE_POLICY).toEqual({ maxAgeMs: DAY, maxMessages: 100 });
    expect(selfUpdatePolicy()).toEqual(DEFAULT_SELF_UPDATE_POLICY);
  });

  it('is due after 24 hours, not a millisecond before', () => {
    const clock = new ManualClock(1_700_000_000_000);
    const state = freshSelfUpdateState(clock.now());
    clock.advance(DAY - 1);
    expect(dueForSelfUpdate(state, DEFAULT_SELF_UPDATE_POLICY, clock.now())).toEqual({
      due: false,
      dueInMs: 1,
      messagesLeft: 100,
    });
    clock.advance(1);
    expect(dueForSelfUpdate(state, DEFAULT_SELF_UPDATE_POLICY, clock.now())).toEqual({
      due: true,
      reason: 'age',
    });
  });

  it('is due at the 100th message sent, whichever comes first', () => {
    const clock = new ManualClock(0);
    const state = sendMany(freshSelfUpdateState(clock.now()), 99);
    clock.advance(HOUR);
    expect(dueForSelfUpdate(state, DEFAULT_SELF_UPDATE_POLICY, clock.now())).toEqual({
      due: false,
      dueInMs: DAY - HOUR,
      messagesLeft: 1,
    });
    expect(dueForSelfUpdate(recordMessageSent(state), DEFAULT_SELF_UPDATE_POLICY, clock.now())).toEqual({
      due: true,
      reason: 'messages',
    });
  });

  it('an update resets both counters', () => {
    const clock = new ManualClock(0);
    let state = sendMany(freshSelfUpdateState(clock.now()), 150);
    clock.advance(2 * DAY);
    expect(dueForSelfUpdate(state, DEFAULT_SELF_UPDATE_POLICY, clock.now()).due).toBe(true);
    state = recordSelfUpdate(state, clock.now());
    expect(state).toEqual({ lastUpdateAt: 2 * DAY, messagesSinceUpdate: 0 });
    expect(dueForSelfUpdate(state, DEFAULT_SELF_UPDATE_POLICY, clock.now()).due).toBe(false);
  });

  it('honours a configured policy and treats a clock that went back as no time passed', () => {
    const policy = selfUpdatePolicy({ maxAgeMs: HOUR, maxMessages: 3 });
    const clock = new ManualClock(10 * HOUR);
    const state = freshSelfUpdateState(clock.now());
    expect(dueForSelfUpdate(sendMany(state, 3), policy, clock.now())).toEqual({
      due: true,
      reason: 'messages',
    });
    expect(dueForSelfUpdate(state, policy, clock.now() + HOUR)).toEqual({ due: true, reason: 'age' });
    expect(dueForSelfUpdate(state, policy, clock.now() - 5 * HOUR)).toEqual({
      due: false,
      dueInMs: HOUR,
      messagesLeft: 3,
    });
  });

  it('refuses a policy that would never or always fire', () => {
    for (const config of [
      { maxAgeMs: 0 },
      { maxMessages: -1 },
      { maxMessages: 1.5 },
      { maxAgeMs: Infinity },
    ]) {
      expect(codeOf(() => selfUpdatePolicy(config))).toBe(policyErrorCodes.badPolicy);
    }
  });
});

describe('KeyPackage plan', () => {
  const week = DEFAULT_KEY_PACKAGE_POLICY.lastResortMaxAgeMs;

  it('tops up to the batch size below the threshold, not at or above it', () => {
    expect(keyPackagePlan(9, 0)).toEqual({ uploadOrdinary: 11, lastResort: 'keep' });
    expect(keyPackagePlan(0, 0)).toEqual({ uploadOrdinary: 20, lastResort: 'keep' });
    expect(keyPackagePlan(10, 0)).toEqual({ uploadOrdinary: 0, lastResort: 'keep' });
    expect(keyPackagePlan(25, 0)).toEqual({ uploadOrdinary: 0, lastResort: 'keep' });
  });

  it('creates a missing last-resort package and rotates an old one', () => {
    expect(keyPackagePlan(15, undefined).lastResort).toBe('create');
    expect(keyPackagePlan(15, week - 1).lastResort).toBe('keep');
    expect(keyPackagePlan(15, week).lastResort).toBe('rotate');
  });

  it('honours a configured policy and refuses bad input', () => {
    const policy = keyPackagePolicy({ threshold: 2, batchSize: 5, lastResortMaxAgeMs: HOUR });
    expect(keyPackagePlan(1, HOUR, policy)).toEqual({ uploadOrdinary: 4, lastResort: 'rotate' });
    expect(codeOf(() => keyPackagePlan(-1, 0))).toBe(policyErrorCodes.badCount);
    expect(codeOf(() => keyPackagePolicy({ threshold: 30 }))).toBe(policyErrorCodes.badPolicy);
  });
});
