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

export function groupRecordOf(state: ClientState, meta: GroupMeta, clock: Clock): GroupRecord {
  return {
    groupId: meta.groupId,
    name: meta.name,
    ciphersuite: meta.ciphersuite,
    epoch: state.groupContext.epoch,
    state: encodeGroupState(state),
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
): void {
  const record = groupRecordOf(state, meta, clock);
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
 * Never call this on a state that shares buffers with one still in use.
 */
export function wipeGroupState(state: ClientState): void {
  const { keySchedule, privatePath, secretTree, historicalReceiverData } = state;
  for (const value of Object.values(keySchedule)) {
    if (value instanceof Uint8Array) wipe(value);
  }
  for (const key of Object.values(privatePath.privateKeys)) {
    if (key instanceof Uint8Array) wipe(key);
  }
  wipeSecretTree(secretTree);
  for (const epochData of historicalReceiverData.values()) {
    wipe(epochData.senderDataSecret);
    wipe(epochData.resumptionPsk);
    wipeSecretTree(epochData.secretTree);
  }
  wipe(state.signaturePrivateKey);
}

function wipeSecretTree(tree: SecretTree): void {
  for (const node of tree) {
    // Sparse: parent nodes of a derived tree are dropped once their children exist.
    if (node === undefined) continue;
    for (const ratchet of [node.handshake, node.application]) {
      wipe(ratchet.secret);
      wipeAll(Object.values(ratchet.unusedGenerations));
    }
  }
}
