import { randomBytes } from 'node:crypto';
import {
  acceptAll,
  createApplicationMessage,
  createCommit,
  createGroup,
  createProposal,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroup,
  processMessage,
  type CiphersuiteImpl,
  type ClientState,
  type Proposal,
} from 'ts-mls';
import { fromUtf8, toHex, wipe } from '../../lib/bytes.js';
import { assertSupportedCiphersuite, DEFAULT_CIPHERSUITE, loadCiphersuite } from './ciphersuites.js';
import {
  assertIdentity,
  basicCredentialFor,
  findLeafIndexOf,
  makeClientConfig,
  membersOfTree,
} from './credentials.js';
import {
  decodeStoredState,
  persistGroupState,
  wipeAll,
  wipeGroupState,
  type GroupMeta,
} from './groupState.js';
import { checkIncoming } from './incomingChecks.js';
import { consumeKeyPackageForWelcome } from './welcomeJoin.js';
import { parseMemberKeyPackage } from './keyPackages.js';
import type {
  AddMembersOutput,
  CommitOutput,
  CreateGroupOptions,
  JoinGroupOptions,
  MessageOptions,
  MlsEnv,
  MlsGroupInfo,
  ReceiveResult,
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
} from './groupTypes.js';

/**
 * One MLS group as seen by this member. Every operation stages, merges and persists before it
 * returns; operations are queued, so two calls never fork the state. A rejected incoming message
 * leaves the state (in memory and on disk) untouched.
 */
export class MlsGroupSession {
  private queue: Promise<unknown> = Promise.resolve();
  private active = true;

  private constructor(
    private readonly env: MlsEnv,
    private readonly impl: CiphersuiteImpl,
    private readonly meta: GroupMeta,
    private state: ClientState,
  ) {}

  static async create(env: MlsEnv, options: CreateGroupOptions): Promise<MlsGroupSession> {
    assertIdentity(options.identity);
    const ciphersuite = assertSupportedCiphersuite(options.ciphersuite ?? DEFAULT_CIPHERSUITE);
    const impl = await loadCiphersuite(ciphersuite, env.provider);
    const groupIdBytes = options.groupId ?? new Uint8Array(randomBytes(32));
    const signKey = new Uint8Array(options.identity.signingPrivateKey);
    const own = await generateKeyPackageWithKey(
      basicCredentialFor(options.identity.signingPublicKey),
      defaultCapabilities(),
      defaultLifetime,
      [],
      { signKey, publicKey: new Uint8Array(options.identity.signingPublicKey) },
      impl,
    );
    const state = await createGroup(
      groupIdBytes,
      own.publicPackage,
      own.privatePackage,
      [],
      impl,
      makeClientConfig(),
    );
    // The state holds its own copies; our one-off KeyPackage keys are no longer needed.
    wipe(own.privatePackage.initPrivateKey);
    const meta = { groupId: toHex(groupIdBytes), name: options.name ?? '', ciphersuite };
    if (env.store.groups.get(meta.groupId) !== undefined) {
      throw new MlsInputError(mlsErrorCodes.badInput, 'a group with this id already exists');
    }
    persistGroupState(env.store, state, meta, env.clock);
    return new MlsGroupSession(env, impl, meta, state);
  }

  /** Joins from a Welcome, using (and then deleting, unless last-resort) the KeyPackage it names. */
  static async join(env: MlsEnv, options: JoinGroupOptions): Promise<MlsGroupSession> {
    assertIdentity(options.identity);
    const message = decodeWholeMlsMessage(options.welcome);
    if (message.wireformat !== 'mls_welcome')
      throw new MlsInputError(mlsErrorCodes.badInput, 'expected a Welcome');
    const welcome = message.welcome;
    const ciphersuite = assertSupportedCiphersuite(welcome.cipherSuite);
    const impl = await loadCiphersuite(ciphersuite, env.provider);
    const consumed = await consumeKeyPackageForWelcome(env.store, welcome, options.identity);
    try {
      let state: ClientState;
      try {
        state = await joinGroup(
          welcome,
          consumed.keyPackage,
          consumed.privateKeys,
          emptyPskIndex,
          impl,
          undefined,
          undefined,
          makeClientConfig(),
        );
      } catch (error) {
        throw mapIncomingError(error);
      }
      const meta = { groupId: toHex(state.groupContext.groupId), name: options.name ?? '', ciphersuite };
      if (env.store.groups.get(meta.groupId) !== undefined) {
        throw new MlsInputError(mlsErrorCodes.badInput, 'we already have a state for this group');
      }
      persistGroupState(env.store, state, meta, env.clock, () => {
        if (!consumed.record.lastResort) env.store.keyPackages.delete(consumed.record.ref);
      });
      return new MlsGroupSession(env, impl, meta, state);
    } finally {
      // The init key must not outlive the join (RFC 9420 16.8). The leaf HPKE key and the signature
      // key now live on inside the group state (ts-mls keeps the references), so they stay.
      wipe(consumed.privateKeys.initPrivateKey, consumed.record.privatePackage);
    }
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

  addMembers(keyPackages: Uint8Array[]): Promise<AddMembersOutput> {
    return this.serialized(async () => {
      this.assertActive();
      const proposals: Proposal[] = [];
      for (const bytes of keyPackages) {
        const keyPackage = await parseMemberKeyPackage(bytes, this.env.provider, this.meta.ciphersuite);
        proposals.push({ proposalType: 'add', add: { keyPackage } });
      }
      if (proposals.length === 0) throw new MlsInputError(mlsErrorCodes.badInput, 'no KeyPackage to add');
      const { commit, welcome } = await this.commit(proposals, true);
      if (welcome === undefined)
        throw new MlsInputError(mlsErrorCodes.badInput, 'the commit produced no Welcome');
      return { commit, welcome };
    });
  }

  removeMembers(identityKeys: Uint8Array[]): Promise<CommitOutput> {
    return this.serialized(async () => {
      this.assertActive();
      const proposals: Proposal[] = identityKeys.map((identityKey) => {
        const leafIndex = findLeafIndexOf(this.state.ratchetTree, identityKey);
        if (leafIndex === undefined)
          throw new MlsInputError(mlsErrorCodes.badInput, 'not a member of this group');
        if (leafIndex === this.state.privatePath.leafIndex) {
          throw new MlsInputError(mlsErrorCodes.badInput, 'cannot remove yourself by commit', {
            hint: 'use leave()',
          });
        }
        return { proposalType: 'remove', remove: { removed: leafIndex } };
      });
      return { commit: (await this.commit(proposals, false)).commit };
    });
  }

  /** An empty commit carries an update path: fresh leaf and path keys (post-compromise security). */
  selfUpdate(): Promise<CommitOutput> {
    return this.serialized(async () => {
      this.assertActive();
      return { commit: (await this.commit([], false)).commit };
    });
  }

  /** Commits proposals received from others (e.g. a member's leave request). */
  commitPendingProposals(): Promise<CommitOutput> {
    return this.serialized(async () => {
      this.assertActive();
      return { commit: (await this.commit([], false)).commit };
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
      persistGroupState(this.env.store, newState, this.meta, this.env.clock);
      this.state = newState;
      wipeAll(result.consumed);
      const kind = sender.contentType === 'commit' ? 'commit' : 'proposal';
      return { kind, sender: sender.identityKey, epoch: newState.groupContext.epoch };
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

  private async commit(proposals: Proposal[], withWelcome: boolean) {
    const result = await createCommit(
      { state: this.state, cipherSuite: this.impl },
      { extraProposals: proposals, ratchetTreeExtension: withWelcome },
    );
    persistGroupState(this.env.store, result.newState, this.meta, this.env.clock);
    this.state = result.newState;
    wipeAll(result.consumed);
    return {
      commit: encodeMlsMessage(result.commit),
      welcome: result.welcome === undefined ? undefined : encodeWelcomeMessage(result.welcome),
    };
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
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function textOf(plaintext: Uint8Array): string | undefined {
  try {
    return fromUtf8(plaintext);
  } catch {
    return undefined;
  }
}
