import { randomBytes as nodeRandomBytes } from 'node:crypto';

/** Randomness as a dependency: tests can make ids and tokens predictable. */
export type RandomBytes = (length: number) => Uint8Array;

export const systemRandomBytes: RandomBytes = (length) => new Uint8Array(nodeRandomBytes(length));

/** Waiting as a dependency, so that tests of padded responses need not sleep. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
