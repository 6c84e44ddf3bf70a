import type { CryptoProvider } from 'ts-mls';
import type { Clock } from '../../lib/clock.js';
import type { ProfileStore } from '../store/types.js';
import type { MlsIdentity } from './credentials.js';
import type { RotationStatement } from '../identity/rotationStatement.js';

/** What every group operation needs; injected so tests use memory stores and manual clocks. */
export interface MlsEnv {
  store: ProfileStore;
  provider: CryptoProvider;
  clock: Clock;
}

export interface MlsGroupInfo {
  groupId: string;
  name: string;
  ciphersuite: string;
  epoch: bigint;
  /** Identity public keys of the current members, in leaf order. */
  members: Uint8Array[];
  ownLeafIndex: number;
  active: boolean;
}

export type ReceiveResult =
  | { kind: 'application'; sender: Uint8Array; plaintext: Uint8Array; epoch: bigint }
  /** `rotation`: the commit moved `sender` (the new key) from `rotation.previousKey`, proven by both keys. */
  | {
      kind: 'commit';
      sender: Uint8Array;
      epoch: bigint;
      rotation?: RotationStatement;
      /** Every link from the removed leaf's key to `sender`, oldest first (`rotation` is the last). */
      rotationChain?: readonly RotationStatement[];
    }
  | { kind: 'proposal'; sender: Uint8Array; epoch: bigint }
  | { kind: 'removed'; sender: Uint8Array; epoch: bigint };

export interface CommitOutput {
  /** MLSMessage bytes to send to the group (already merged and persisted locally). */
  commit: Uint8Array;
}

export interface AddMembersOutput extends CommitOutput {
  /** MLSMessage (Welcome) bytes for the new members; it carries the ratchet tree. */
  welcome: Uint8Array;
}

/**
 * A commit created but not merged (stage, send, then merge): the current state is untouched until
 * `mergeStaged(stagedState)`. The caller keeps these bytes on disk while the server decides.
 */
export interface StagedCommit {
  /** MLSMessage bytes of the commit. */
  commit: Uint8Array;
  /** MLSMessage (Welcome) bytes when the commit adds members. */
  welcome?: Uint8Array;
  /** ts-mls encodeGroupState of the state after the commit: holds private keys, keep it encrypted. */
  stagedState: Uint8Array;
  /** The epoch the commit leaves: the server orders commits by it. */
  epoch: bigint;
}

/** What a commit changes: the proposals inside it (an empty list is a self-update or commits pending ones). */
export type CommitChange =
  | { kind: 'add'; keyPackages: Uint8Array[] }
  | { kind: 'remove'; identityKeys: Uint8Array[] }
  | { kind: 'selfUpdate' }
  | { kind: 'pendingProposals' }
  /** Our leaf moves to a new identity key (identityResync.ts); `authenticatedData` holds the statement. */
  | { kind: 'identityResync'; identity: MlsIdentity; authenticatedData: Uint8Array };

export interface CreateGroupOptions {
  identity: MlsIdentity;
  name?: string;
  ciphersuite?: string;
  /** Random 32 bytes when absent. */
  groupId?: Uint8Array;
}

export interface JoinGroupOptions {
  identity: MlsIdentity;
  welcome: Uint8Array;
  name?: string;
}

export interface MessageOptions {
  /** Store a MessageRecord (UTF-8 text) with the state, in the same transaction. Default true. */
  record?: boolean;
  /**
   * For a received application message: called inside the transaction that saves the advanced state,
   * so the caller's own record lands with it or not at all (a throw rolls both back and leaves the
   * message readable again).
   */
  onApplication?: (message: { sender: Uint8Array; plaintext: Uint8Array; epoch: bigint }) => void;
  /**
   * For a sent application message: the caller's own write (e.g. the outbox's attempt count), run inside
   * the transaction that saves the advanced state, so a send costs one store transaction, not two.
   */
  alsoWrite?: () => void;
}
