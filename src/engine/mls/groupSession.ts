import { wipeDeep } from '../lock/wipeDeep.js';
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createProposal,
  emptyPskIndex,
  encodeGroupState,
  encodeMlsMessage,
  processMessage,
  type CiphersuiteImpl,
  type ClientState,
  type Proposal,
} from 'ts-mls';
import { fromUtf8, toHex } from '../../lib/bytes.js';
import { loadCiphersuite } from './ciphersuites.js';
import { leafIdentityAt, membersOfTree } from './credentials.js';
import { createGroupState, joinGroupState } from './groupCreation.js';
import {
  decodeStagedState,
  decodeStoredState,
  persistGroupState,
  wipeAll,
  wipeGroupState,
  wipeReplacedState,
  type GroupMeta,
} from './groupState.js';
import { StagedStates } from './stagedStates.js';
import { checkIncoming } from './incomingChecks.js';
import { proposalsFor } from './commitProposals.js';
import { stageIdentityResync } from './identityResync.js';
import { assertNoUnsignedIdentityChange } from './identityResyncCheck.js';
import type {
  AddMembersOutput,
  CommitOutput,
  CreateGroupOptions,
  JoinGroupOptions,
  MessageOptions,
  MlsEnv,
  MlsGroupInfo,
  ReceiveResult,
  StagedCommit,
  CommitChange,
} from './groupTypes.js';
import { mapIncomingError, mlsErrorCodes, MlsInputError, MlsMessageRejected } from './mlsErrors.js';
import {
  decodeWholeMlsMessage,
  encodePrivateMessage,
  encodeWelcomeMessage,
  messageIdOf,
} from './wireMessages.js';

// The session's vocabulary lives in groupTypes.ts; re-exported so callers import one module.
export type {
  AddMembersOutput,
  CommitOutput,
  CreateGroupOptions,
  JoinGroupOptions,
  MessageOptions,
  MlsEnv,
  MlsGroupInfo,
  ReceiveResult,
  StagedCommit,
  CommitChange,
} from './groupTypes.js';

/**
 * One MLS group as seen by this member. Operations are queued, so two calls never fork the state. A
 * rejected incoming message leaves the state (in memory and on disk) untouched. Our own commits are
 * staged (`stageCommit`: the state stays as it is) and merged only when the caller says the server
 * accepted them (`mergeStaged`); the convenience methods addMembers/removeMembers/selfUpdate stage and
 * merge at once, for groups with nobody else to tell (and for tests).
 */
export class MlsGroupSession {
  private queue: Promise<unknown> = Promise.resolve();
  private active = true;
  private readonly staged = new StagedStates();

  private constructor(
    private readonly env: MlsEnv,
    private readonly impl: CiphersuiteImpl,
    private readonly meta: GroupMeta,
    private state: ClientState,
  ) {}

  static async create(env: MlsEnv, options: CreateGroupOptions): Promise<MlsGroupSession> {
    const { impl, meta, state } = await createGroupState(env, options);
    return new MlsGroupSession(env, impl, meta, state);
  }

  /** Joins from a Welcome, using (and then deleting, unless last-resort) the KeyPackage it names. */
  static async join(env: MlsEnv, options: JoinGroupOptions): Promise<MlsGroupSession> {
    const { impl, meta, state } = await joinGroupState(env, options);
    return new MlsGroupSession(env, impl, meta, state);
  }

  /** Reopens a group from the store (e.g. after a restart). */
  static async open(env: MlsEnv, groupId: string): Promise<MlsGroupSession> {
    const record = env.store.groups.get(groupId);
    if (record === undefined)
      throw new MlsMessageRejected(mlsErrorCodes.unknownGroup, 'no such group in this profile');
    // No wipe of record.state here: decoded keys are views into that very buffer.
    const state = decodeStoredState(record);
    const impl = await loadCiphersuite(record.ciphersuite, env.provider);
    const session = new MlsGroupSession(
      env,
      impl,
      { groupId, name: record.name, ciphersuite: record.ciphersuite },
      state,
    );
    session.active = state.groupActiveState.kind === 'active';
    return session;
  }

  get groupId(): string {
    return this.meta.groupId;
  }

  info(): MlsGroupInfo {
    return {
      groupId: this.meta.groupId,
      name: this.meta.name,
      ciphersuite: this.meta.ciphersuite,
      epoch: this.state.groupContext.epoch,
      members: membersOfTree(this.state.ratchetTree).map((m) => m.identityKey),
      ownLeafIndex: this.state.privatePath.leafIndex,
      active: this.active,
    };
  }

  /** The identity key of our own leaf (it changes with an identity rotation). */
  ownIdentityKey(): Uint8Array | undefined {
    return leafIdentityAt(this.state.ratchetTree, this.state.privatePath.leafIndex);
  }

  /** Lock: zeroes every key byte of the in-memory state; the session is unusable after (reopen it). */
  wipeSecrets(): void {
    wipeDeep(this.state);
    this.active = false;
  }

  /** Stages and merges at once (nobody else to tell, or a test). */
  async addMembers(keyPackages: Uint8Array[]): Promise<AddMembersOutput> {
    const staged = await this.stageCommit({ kind: 'add', keyPackages });
    await this.mergeStaged(staged.stagedState);
    if (staged.welcome === undefined)
      throw new MlsInputError(mlsErrorCodes.badInput, 'the commit produced no Welcome');
    return { commit: staged.commit, welcome: staged.welcome };
  }

  /** Stages and merges at once (nobody else to tell, or a test). */
  async removeMembers(identityKeys: Uint8Array[]): Promise<CommitOutput> {
    return this.commitAndMerge({ kind: 'remove', identityKeys });
  }

  /** An empty commit carries an update path: fresh leaf and path keys (post-compromise security). */
  async selfUpdate(): Promise<CommitOutput> {
    return this.commitAndMerge({ kind: 'selfUpdate' });
  }

  /** Commits proposals received from others (e.g. a member's leave request). */
  async commitPendingProposals(): Promise<CommitOutput> {
    return this.commitAndMerge({ kind: 'pendingProposals' });
  }

  private async commitAndMerge(change: CommitChange): Promise<CommitOutput> {
    const staged = await this.stageCommit(change);
    await this.mergeStaged(staged.stagedState);
    return { commit: staged.commit };
  }

  /**
   * Creates a commit without touching the current state (ts-mls createCommit returns a new state and
   * leaves the old one alone). Nothing is persisted: the caller stores the staged state with its
   * pending record, sends the commit, and calls mergeStaged once the server accepted it.
   */
  stageCommit(change: CommitChange): Promise<StagedCommit> {
    return this.serialized(async () => {
      this.assertActive();
      if (change.kind === 'identityResync') {
        return stageIdentityResync(this.state, this.impl, change.identity, change.authenticatedData);
      }
      const proposals = await proposalsFor(change, {
        state: this.state,
        provider: this.env.provider,
        ciphersuite: this.meta.ciphersuite,
      });
      const withWelcome = change.kind === 'add';
      const result = await createCommit(
        { state: this.state, cipherSuite: this.impl },
        { extraProposals: proposals, ratchetTreeExtension: withWelcome },
      );
      // `result.consumed` and the staged state share buffers with the current state (its init secret,
      // its secret tree), which stays in use until the merge: nothing is wiped here. mergeStaged wipes
      // the old state once it is replaced.
      const welcome = result.welcome === undefined ? undefined : encodeWelcomeMessage(result.welcome);
      if (withWelcome && welcome === undefined)
        throw new MlsInputError(mlsErrorCodes.badInput, 'the commit produced no Welcome');
      const stagedState = encodeGroupState(result.newState);
      this.staged.remember(stagedState, {
        base: this.state,
        next: result.newState,
        consumed: result.consumed,
      });
      return {
        commit: encodeMlsMessage(result.commit),
        ...(welcome === undefined ? {} : { welcome }),
        stagedState,
        epoch: this.state.groupContext.epoch,
      };
    });
  }

  /**
   * Merges a commit staged by stageCommit (the server accepted it): checks the staged state follows
   * the current epoch of this group, and persists it together with `alsoWrite` in one transaction.
   * The bytes are taken over: wiped once stored when the session still holds the state they encode
   * (staged here, nothing processed since), otherwise decoded, and then the state's memory (decoded
   * keys are views into them). Either way the caller must not wipe or reuse them.
   */
  mergeStaged(stagedState: Uint8Array, alsoWrite?: () => void): Promise<void> {
    return this.serialized(async () => {
      this.assertActive();
      const inMemory = this.staged.take(stagedState, this.state);
      const next = inMemory?.next ?? decodeStagedState(stagedState, this.meta);
      if (
        toHex(next.groupContext.groupId) !== this.meta.groupId ||
        next.groupContext.epoch !== this.state.groupContext.epoch + 1n
      ) {
        throw new MlsInputError(mlsErrorCodes.badInput, 'the staged commit does not follow our epoch');
      }
      const previous = this.state;
      if (inMemory === undefined) {
        persistGroupState(this.env.store, next, this.meta, this.env.clock, alsoWrite);
        this.state = next;
        // The decoded state shares no memory with the old one, which nobody else holds.
        wipeGroupState(previous);
      } else {
        // The bytes are this state's encoding: stored as they are (and wiped once stored).
        persistGroupState(this.env.store, next, this.meta, this.env.clock, alsoWrite, stagedState);
        this.state = next;
        wipeReplacedState(previous, next, inMemory.consumed);
      }
      await Promise.resolve();
    });
  }

  sendMessage(plaintext: Uint8Array, options: MessageOptions = {}): Promise<Uint8Array> {
    return this.serialized(async () => {
      this.assertActive();
      const result = await createApplicationMessage(this.state, plaintext, this.impl);
      const bytes = encodePrivateMessage(result.privateMessage);
      const own = membersOfTree(this.state.ratchetTree).find(
        (m) => m.leafIndex === this.state.privatePath.leafIndex,
      );
      const now = this.env.clock.now();
      const epoch = this.state.groupContext.epoch;
      persistGroupState(this.env.store, result.newState, this.meta, this.env.clock, () => {
        options.alsoWrite?.();
        const text = options.record === false ? undefined : textOf(plaintext);
        if (text === undefined || own === undefined) return;
        this.env.store.messages.append({
          id: messageIdOf(bytes),
          groupId: this.meta.groupId,
          sender: toHex(own.identityKey),
          direction: 'out',
          text,
          epoch,
          sentAt: now,
          receivedAt: now,
        });
      });
      this.state = result.newState;
      wipeAll(result.consumed);
      return bytes;
    });
  }

  /** Processes any MLS message for this group. Rejections throw a typed error and change nothing. */
  receive(bytes: Uint8Array, options: MessageOptions = {}): Promise<ReceiveResult> {
    return this.serialized(async () => {
      this.assertActive();
      const message = decodeWholeMlsMessage(bytes);
      const sender = await checkIncoming(this.state, message, this.impl);
      if (message.wireformat !== 'mls_private_message' && message.wireformat !== 'mls_public_message') {
        throw new MlsMessageRejected(mlsErrorCodes.invalidMessage, 'not a group message');
      }
      let result;
      try {
        result = await processMessage(message, this.state, emptyPskIndex, acceptAll, this.impl);
      } catch (error) {
        throw mapIncomingError(error);
      }
      const newState = result.newState;
      if (result.kind === 'applicationMessage') {
        const now = this.env.clock.now();
        persistGroupState(this.env.store, newState, this.meta, this.env.clock, () => {
          options.onApplication?.({
            sender: sender.identityKey,
            plaintext: result.message,
            epoch: sender.epoch,
          });
          const text = options.record === false ? undefined : textOf(result.message);
          if (text === undefined) return;
          this.env.store.messages.append({
            id: messageIdOf(bytes),
            groupId: this.meta.groupId,
            sender: toHex(sender.identityKey),
            direction: 'in',
            text,
            epoch: sender.epoch,
            sentAt: now,
            receivedAt: now,
          });
        });
        this.state = newState;
        wipeAll(result.consumed);
        return {
          kind: 'application',
          sender: sender.identityKey,
          plaintext: result.message,
          epoch: sender.epoch,
        };
      }
      if (newState.groupActiveState.kind === 'removedFromGroup') {
        this.discardLocalState();
        wipeAll(result.consumed);
        return { kind: 'removed', sender: sender.identityKey, epoch: newState.groupContext.epoch };
      }
      const kind = sender.contentType === 'commit' ? 'commit' : 'proposal';
      if (sender.resync === undefined) {
        assertNoUnsignedIdentityChange(this.state, newState, sender.leafIndex, kind);
      }
      persistGroupState(this.env.store, newState, this.meta, this.env.clock);
      this.state = newState;
      wipeAll(result.consumed);
      const rotation = sender.resync?.statement;
      return {
        kind,
        sender: sender.identityKey,
        epoch: newState.groupContext.epoch,
        ...(rotation === undefined ? {} : { rotation, rotationChain: sender.resync?.chain ?? [rotation] }),
      };
    });
  }

  /**
   * Leaving: RFC 9420 lets no member commit its own removal, so we send a Remove proposal for our
   * own leaf (to be committed by any other member) and then delete and wipe our local state at once:
   * from here on we cannot read the group even if nobody commits the proposal.
   */
  leave(): Promise<{ proposal: Uint8Array }> {
    return this.serialized(async () => {
      this.assertActive();
      const removal: Proposal = {
        proposalType: 'remove',
        remove: { removed: this.state.privatePath.leafIndex },
      };
      const result = await createProposal(this.state, false, removal, this.impl);
      const proposal = encodeMlsMessage(result.message);
      wipeAll(result.consumed);
      this.discardLocalState(result.newState);
      return { proposal };
    });
  }

  private discardLocalState(finalState: ClientState = this.state): void {
    this.env.store.transaction(() => this.env.store.groups.delete(this.meta.groupId));
    this.active = false;
    wipeGroupState(finalState);
  }

  private assertActive(): void {
    if (!this.active) {
      throw new MlsMessageRejected(mlsErrorCodes.notActive, 'we are no longer a member of this group');
    }
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    // The caller gets the failure through `run`; the queue only has to move on to the next call.
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function textOf(plaintext: Uint8Array): string | undefined {
  try {
    return fromUtf8(plaintext);
  } catch {
    // Not UTF-8: not chat text (a control payload); there is no text to record.
    return undefined;
  }
}
