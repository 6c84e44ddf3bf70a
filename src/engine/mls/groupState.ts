import { decodeGroupState, encodeGroupState, type ClientState, type SecretTree } from 'ts-mls';
import { toHex, wipe } from '../../lib/bytes.js';
import type { Clock } from '../../lib/clock.js';
import type { GroupRecord, ProfileStore } from '../store/types.js';
import { makeClientConfig } from './credentials.js';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';

export interface GroupMeta {
  groupId: string;
  name: string;
  ciphersuite: string;
}

/** `encoded`, when given, is encodeGroupState(state) already made (it is not encoded again). */
export function groupRecordOf(
  state: ClientState,
  meta: GroupMeta,
  clock: Clock,
  encoded?: Uint8Array,
): GroupRecord {
  return {
    groupId: meta.groupId,
    name: meta.name,
    ciphersuite: meta.ciphersuite,
    epoch: state.groupContext.epoch,
    state: encoded ?? encodeGroupState(state),
    updatedAt: clock.now(),
  };
}

/**
 * Writes the new state (and whatever `alsoWrite` adds, e.g. a message record) in one transaction.
 * Called after staging and merging, before the operation returns: the caller may only send the
 * commit or acknowledge the message once this has returned.
 */
export function persistGroupState(
  store: ProfileStore,
  state: ClientState,
  meta: GroupMeta,
  clock: Clock,
  alsoWrite?: () => void,
  encoded?: Uint8Array,
): void {
  const record = groupRecordOf(state, meta, clock, encoded);
  store.transaction(() => {
    store.groups.save(record);
    alsoWrite?.();
  });
  // The store copied the bytes; this encoding holds private keys.
  wipe(record.state);
}

/** Decodes a stored state and re-attaches the client configuration, which is not encoded. */
export function decodeStoredState(record: GroupRecord): ClientState {
  let decoded;
  try {
    decoded = decodeGroupState(record.state, 0);
  } catch (error) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'stored group state does not decode', { cause: error });
  }
  if (decoded === undefined || decoded[1] !== record.state.length) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'stored group state does not decode');
  }
  return { ...decoded[0], clientConfig: makeClientConfig() };
}

/** Decodes the bytes of a staged commit's state (a state not yet stored under its group). */
export function decodeStagedState(stagedState: Uint8Array, meta: GroupMeta): ClientState {
  return decodeStoredState({ ...meta, epoch: 0n, state: stagedState, updatedAt: 0 });
}

export function groupIdHex(state: ClientState): string {
  return toHex(state.groupContext.groupId);
}

/**
 * Zeroes secrets with fill(0). Not ts-mls's zeroOutUint8Array: that one overwrites with
 * getRandomValues, which refuses buffers over 64 KiB (an encoded state of a large group).
 */
export function wipeAll(secrets: readonly Uint8Array[]): void {
  wipe(...secrets);
}

/**
 * Zeroes the secrets of a state we are abandoning for good (removed from the group, or left).
 * Never call this on a state that shares buffers with one still in use (see wipeReplacedState).
 */
export function wipeGroupState(state: ClientState): void {
  for (const secret of secretsOf(state)) wipe(secret);
}

/**
 * Zeroes the secrets of `previous` (and `consumed`) that `next` does not hold. ts-mls builds the
 * state after a commit from the one before, so the two share arrays (the signature key, unchanged
 * path keys, the old epoch's secret tree kept for late messages), and a state decoded from disk
 * holds its keys as views into one buffer. So a secret is spared when its bytes overlap any
 * secret of `next`, compared by memory range, not by array object.
 */
export function wipeReplacedState(
  previous: ClientState,
  next: ClientState,
  consumed: readonly Uint8Array[] = [],
): void {
  const kept = new KeptRanges(secretsOf(next));
  for (const secret of [...secretsOf(previous), ...consumed]) {
    if (!kept.overlaps(secret)) wipe(secret);
  }
}

/** Byte ranges per ArrayBuffer, sorted by start, for an overlap query by binary search. */
class KeptRanges {
  readonly #byBuffer = new Map<ArrayBufferLike, { starts: number[]; ends: number[] }>();

  constructor(arrays: readonly Uint8Array[]) {
    const grouped = new Map<ArrayBufferLike, [number, number][]>();
    for (const array of arrays) {
      if (array.byteLength === 0) continue;
      const list = grouped.get(array.buffer) ?? [];
      list.push([array.byteOffset, array.byteOffset + array.byteLength]);
      grouped.set(array.buffer, list);
    }
    for (const [buffer, list] of grouped) {
      list.sort((x, y) => x[0] - y[0]);
      // ends[i] = the furthest end among ranges 0..i, so one lookup answers "does any range reach past".
      const ends: number[] = [];
      for (const [, end] of list) ends.push(Math.max(end, ends.at(-1) ?? 0));
      this.#byBuffer.set(buffer, { starts: list.map(([start]) => start), ends });
    }
  }

  overlaps(array: Uint8Array): boolean {
    const ranges = this.#byBuffer.get(array.buffer);
    if (ranges === undefined || array.byteLength === 0) return false;
    const end = array.byteOffset + array.byteLength;
    // The last range starting before `end`; an overlap exists if any range up to it ends past our start.
    let low = 0;
    let high = ranges.starts.length - 1;
    let last = -1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      if (ranges.starts[middle]! < end) {
        last = middle;
        low = middle + 1;
      } else high = middle - 1;
    }
    return last >= 0 && ranges.ends[last]! > array.byteOffset;
  }
}

/** Every secret byte array a state holds: key schedule, path keys, secret trees, signature key. */
function secretsOf(state: ClientState): Uint8Array[] {
  const { keySchedule, privatePath, secretTree, historicalReceiverData } = state;
  const secrets: Uint8Array[] = [];
  for (const value of Object.values(keySchedule)) {
    if (value instanceof Uint8Array) secrets.push(value);
  }
  for (const key of Object.values(privatePath.privateKeys)) {
    if (key instanceof Uint8Array) secrets.push(key);
  }
  secretTreeSecrets(secretTree, secrets);
  for (const epochData of historicalReceiverData.values()) {
    secrets.push(epochData.senderDataSecret, epochData.resumptionPsk);
    secretTreeSecrets(epochData.secretTree, secrets);
  }
  secrets.push(state.signaturePrivateKey);
  return secrets;
}

function secretTreeSecrets(tree: SecretTree, into: Uint8Array[]): void {
  for (const node of tree) {
    // Sparse: parent nodes of a derived tree are dropped once their children exist.
    if (node === undefined) continue;
    for (const ratchet of [node.handshake, node.application]) {
      into.push(ratchet.secret, ...Object.values(ratchet.unusedGenerations));
    }
  }
}
