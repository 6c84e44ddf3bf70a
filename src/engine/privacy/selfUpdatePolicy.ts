/**
 * When a member heals by itself (docs/post-compromise-security.md). Post-compromise security in MLS comes only from the
 * compromised member's own update path, so each member self-updates in each of its groups on a
 * schedule: by default every 24 hours or every 100 messages it sent in that group, whichever comes
 * first. And when to top up our KeyPackages on the server and rotate the last-resort one.
 *
 * Pure functions over small records; time is always passed in (`now`, ms since the Unix epoch).
 */
import { ValidationError } from '../../lib/errors.js';
import type { SelfUpdateState } from '../store/types.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export const policyErrorCodes = {
  badPolicy: 'PRIVACY_BAD_POLICY',
  badCount: 'PRIVACY_BAD_COUNT',
} as const;

export interface SelfUpdatePolicy {
  /** Self-update when our leaf is older than this. */
  maxAgeMs: number;
  /** Self-update after we sent this many application messages since the last update. */
  maxMessages: number;
}

export const DEFAULT_SELF_UPDATE_POLICY: SelfUpdatePolicy = { maxAgeMs: DAY_MS, maxMessages: 100 };

export type { SelfUpdateState };

export type SelfUpdateDecision =
  | { due: true; reason: 'age' | 'messages' }
  | {
      due: false;
      /** Time until the age limit, ms (the next moment worth checking if nothing is sent). */
      dueInMs: number;
      /** Messages we may still send before the count limit. */
      messagesLeft: number;
    };

function positiveInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

/** A policy from configuration: defaults for what is missing, a typed error for what is wrong. */
export function selfUpdatePolicy(config: Partial<SelfUpdatePolicy> = {}): SelfUpdatePolicy {
  const policy = { ...DEFAULT_SELF_UPDATE_POLICY, ...config };
  if (!positiveInteger(policy.maxAgeMs) || !positiveInteger(policy.maxMessages)) {
    throw new ValidationError(
      policyErrorCodes.badPolicy,
      'self-update age and message count must be positive integers',
      { hint: 'e.g. maxAgeMs = 86400000 (24 h), maxMessages = 100' },
    );
  }
  return policy;
}

/** The state for a group we just created or joined: a fresh leaf, nothing sent. */
export function freshSelfUpdateState(now: number): SelfUpdateState {
  return { lastUpdateAt: now, messagesSinceUpdate: 0 };
}

export function recordMessageSent(state: SelfUpdateState): SelfUpdateState {
  return { ...state, messagesSinceUpdate: state.messagesSinceUpdate + 1 };
}

/**
 * Our leaf was refreshed: after our self-update commit, and after any other commit of ours that
 * carried an update path (ts-mls 1.6 adds one to an empty commit and to any commit with a Remove or
 * Update; an add-only commit has none and must not count). Others' commits do not count either:
 * they refresh their own leaves, not ours.
 */
export function recordSelfUpdate(_state: SelfUpdateState, now: number): SelfUpdateState {
  return freshSelfUpdateState(now);
}

export function dueForSelfUpdate(
  state: SelfUpdateState,
  policy: SelfUpdatePolicy,
  now: number,
): SelfUpdateDecision {
  if (state.messagesSinceUpdate >= policy.maxMessages) return { due: true, reason: 'messages' };
  // A clock that went backwards counts as no time passed: better late than an update storm.
  const age = Math.max(0, now - state.lastUpdateAt);
  if (age >= policy.maxAgeMs) return { due: true, reason: 'age' };
  return {
    due: false,
    dueInMs: policy.maxAgeMs - age,
    messagesLeft: policy.maxMessages - state.messagesSinceUpdate,
  };
}

export interface KeyPackagePolicy {
  /** Upload a batch when fewer than this many ordinary KeyPackages are left on the server. */
  threshold: number;
  /** Top the server up to this many ordinary KeyPackages. */
  batchSize: number;
  /** Replace the last-resort KeyPackage once it is older than this. */
  lastResortMaxAgeMs: number;
}

/** Threshold and batch as in src/engine/account/keyPackageSupply.ts; last resort rotated weekly. */
export const DEFAULT_KEY_PACKAGE_POLICY: KeyPackagePolicy = {
  threshold: 10,
  batchSize: 20,
  lastResortMaxAgeMs: 7 * DAY_MS,
};

export interface KeyPackagePlan {
  /** Ordinary KeyPackages to generate and upload now. */
  uploadOrdinary: number;
  /** 'create': none on the server; 'rotate': replace the old one (and delete its private key). */
  lastResort: 'keep' | 'create' | 'rotate';
}

export function keyPackagePolicy(config: Partial<KeyPackagePolicy> = {}): KeyPackagePolicy {
  const policy = { ...DEFAULT_KEY_PACKAGE_POLICY, ...config };
  if (
    !positiveInteger(policy.threshold) ||
    !positiveInteger(policy.batchSize) ||
    !positiveInteger(policy.lastResortMaxAgeMs) ||
    policy.batchSize < policy.threshold
  ) {
    throw new ValidationError(
      policyErrorCodes.badPolicy,
      'KeyPackage threshold, batch size and last-resort age must be positive integers, batch >= threshold',
    );
  }
  return policy;
}

/**
 * What to upload, given how many ordinary KeyPackages the server still holds for us and the age of our
 * last-resort one (undefined: there is none).
 */
export function keyPackagePlan(
  count: number,
  lastResortAgeMs: number | undefined,
  policy: KeyPackagePolicy = DEFAULT_KEY_PACKAGE_POLICY,
): KeyPackagePlan {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ValidationError(policyErrorCodes.badCount, 'a KeyPackage count is a non-negative integer');
  }
  const uploadOrdinary = count < policy.threshold ? policy.batchSize - count : 0;
  const lastResort =
    lastResortAgeMs === undefined
      ? 'create'
      : lastResortAgeMs >= policy.lastResortMaxAgeMs
        ? 'rotate'
        : 'keep';
  return { uploadOrdinary, lastResort };
}
