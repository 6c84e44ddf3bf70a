/**
 * The headless client (docs/architecture.md: the engine knows no screen): methods for everything a person or a bot does, and typed
 * events for everything that happens by itself (connection state, group changes, messages). The CLI and
 * the TUI both drive this class; nothing here knows about terminals.
 */
import { systemClock, type Clock } from '../lib/clock.js';
import { ValidationError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { BackgroundTask, BackgroundWork } from './client/backgroundWork.js';
import { EngineErrorCode } from './engineErrors.js';
import { engineLockedError } from './lock/lockErrors.js';
import {
  exportBackup,
  importBackup,
  type BackupSummary,
  type ExportBackupOptions,
  type ImportBackupResult,
} from './backup/profileBackup.js';
import { ConnectionStatus } from './client/connectionStatus.js';
import {
  confirmRecoveryWords,
  pendingRecoveryWords,
  prepareRegistrationIdentity,
} from './account/recoveryWords.js';
import { defaultMlsCryptoProvider } from './mls/ciphersuites.js';
import type { MlsEnv } from './mls/groupSession.js';
import { formatServerAddress } from './net/serverAddress.js';
import type { ClientProfileStore } from './store/types.js';
import { SettingKey, type ClientContext, type LoadedIdentity } from './client/clientContext.js';
import type {
  ChatMessage,
  EngineEvent,
  EngineSnapshot,
  GroupMember,
  GroupSummary,
  LoadMessagesOptions,
  MessagePage,
  PendingInvite,
  SelfIdentity,
} from './client/engineTypes.js';
import type { ConnectOptions, QpcEngineOptions } from './client/engineOptions.js';
import { loginProfile, registerProfile, type AccountHost, type LoginOutcome } from './client/accountFlow.js';
import { changeAccountPassword, type PasswordChange } from './account/passwordChange.js';
import { EngineSession } from './client/engineSession.js';
import { GroupActions } from './client/groupActions.js';
import { GroupRegistry } from './client/groupRegistry.js';
import {
  createProfileIdentity,
  keptRecoveryWords,
  loadIdentity,
  restoreProfileIdentity,
  wipeLoadedIdentity,
} from './client/localIdentity.js';
import { IncomingProcessor } from './client/incoming.js';
import { KeyRotations } from './keys/keyRotations.js';
import { readKeySchedule, writeKeySchedule, type KeySchedule } from './keys/keySettings.js';
import { checkStoredProofs, type DeliveryProofReport } from './proofs/deliveryProofs.js';
import { invitePolicy, setInvitePolicy, type InvitePolicy } from './client/pendingInvites.js';
import { OutboxSender, type FlushResult } from './client/outboxSender.js';
import {
  announceGroup,
  inboxAfter,
  loadMessagePage,
  membersOf,
  selfIdentityOf,
  type InboxItem,
} from './client/views.js';
import { SelfUpdateScheduler } from './client/selfUpdateScheduler.js';
import { logoutSession, type LogoutResult } from './client/logout.js';
import {
  queueAccessKeyShare,
  SealedSendChannel,
  sealedSenderEnabled,
  setSealedSenderEnabled,
} from './client/sealedSender.js';
import {
  acknowledgeUser,
  safetyNumberWith,
  verifyUser,
  type SafetyNumberView,
} from './client/verification.js';

export type * from './client/engineTypes.js';
export type { QpcEngineOptions, ConnectOptions } from './client/engineOptions.js';
export type { FlushResult } from './client/outboxSender.js';
export type { InboxItem } from './client/views.js';
export type { DeliveryProofReport } from './proofs/deliveryProofs.js';
export type { LogoutResult } from './client/logout.js';
export type { BackupSummary, ImportBackupResult } from './backup/profileBackup.js';
export type { KeySchedule } from './keys/keySettings.js';
export type { SafetyNumberView } from './client/verification.js';
export type { CommitHooks } from './client/pendingCommits.js';
export type { InvitePolicy } from './client/pendingInvites.js';
export { SendHeldError, SEND_HELD_KEY_CHANGED } from './client/contactTrust.js';

export class QpcEngine {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly store: ClientProfileStore;
  private readonly mls: MlsEnv;
  private readonly groups: GroupRegistry;
  private readonly context: ClientContext;
  private readonly incoming: IncomingProcessor;
  private readonly outbox: OutboxSender;
  private readonly status: ConnectionStatus;
  private identity: LoadedIdentity | undefined;
  private readonly healing: SelfUpdateScheduler;
  private readonly sealedChannel: SealedSendChannel;
  private readonly background: BackgroundWork;
  private readonly rotations: KeyRotations;
  private locked = false;
  private readonly session: EngineSession;
  private readonly actions: GroupActions;

  constructor(private readonly options: QpcEngineOptions) {
    this.store = options.store;
    this.background = new BackgroundWork(options.logger ?? silentLogger(), (event) => this.emit(event));
    this.mls = {
      store: this.store,
      provider: options.provider ?? defaultMlsCryptoProvider,
      clock: options.clock ?? systemClock,
    };
    this.groups = new GroupRegistry(
      this.mls,
      () => sealedSenderEnabled(this.context),
      this.store.readMarkers,
    );
    this.identity = loadIdentity(this.store, this.mls.clock.now());
    this.status = new ConnectionStatus(this.serverText() ?? '', (connection) =>
      this.emit({ type: 'connectionChanged', connection }),
    );
    this.context = {
      store: this.store,
      mls: this.mls,
      groups: this.groups,
      identity: () => this.requireIdentity(),
      connection: () => this.session.connection,
      emit: (event) => this.emit(event),
      announceGroup: (groupId) => announceGroup(this.context, groupId),
      retryPendingCommits: (afterMs) => this.session.retryPendingCommits(afterMs),
      ...(options.commitHooks === undefined ? {} : { commitHooks: options.commitHooks }),
    };
    this.incoming = new IncomingProcessor(this.context);
    this.incoming.onKeyPackageUsed = () =>
      this.background.run(BackgroundTask.replenishKeyPackages, () => this.session.replenish());
    this.incoming.onProposal = (groupId) =>
      this.background.run(BackgroundTask.commitProposals, () =>
        this.actions.commitExclusive(groupId, { kind: 'pendingProposals' }),
      );
    this.outbox = new OutboxSender(this.context);
    // Automatic self-updates, sealed sender and the access keys shared inside MLS.
    this.healing = new SelfUpdateScheduler(
      this.context,
      (groupId) => this.selfUpdate(groupId),
      (error) => this.background.report(BackgroundTask.selfUpdates, error),
    );
    this.outbox.onSent = (groupId) => this.healing.messageSent(groupId);
    this.outbox.onRetryFailed = (error) => this.background.report(BackgroundTask.flushOutbox, error);
    this.sealedChannel = new SealedSendChannel(this.context, options.connection);
    if (options.sealedSender !== undefined) setSealedSenderEnabled(this.context, options.sealedSender);
    this.outbox.sealed = this.sealedChannel.outboxRoute();
    const share = (groupId: string): void => {
      queueAccessKeyShare(this.context, groupId);
      this.background.run(BackgroundTask.flushOutbox, () => this.outbox.flush());
    };
    this.incoming.onJoined = share;
    this.incoming.onMembersAdded = share;
    // Access keys and the hybrid key rotate on events and schedules (keys/).
    this.rotations = new KeyRotations(this.context, {
      flush: () => this.background.run(BackgroundTask.flushOutbox, () => this.outbox.flush()),
      replenish: () => this.session.replenish(),
      onError: (error) => this.background.report(BackgroundTask.keyRotation, error),
    });
    this.incoming.onMembersRemoved = () =>
      this.background.run(BackgroundTask.keyRotation, () => this.rotations.rotateAccessKey());
    const parts = {
      store: this.store,
      context: this.context,
      status: this.status,
      background: this.background,
      incoming: this.incoming,
      outbox: this.outbox,
      healing: this.healing,
      rotations: this.rotations,
    };
    this.session = new EngineSession({
      ...parts,
      clock: this.mls.clock,
      tuning: options.connection,
      keyPackages: options.keyPackages,
      serverText: () => this.serverText(),
    });
    this.actions = new GroupActions({ ...parts, session: this.session });
  }

  /** Creates the identity of a new profile; returns the 24 recovery words (kept encrypted in the profile). */
  static createIdentity(store: ClientProfileStore, clock: Clock = systemClock): string {
    return createProfileIdentity(store, clock);
  }

  /**
   * The identity a registration uses and its 24 words, kept (encrypted) in the profile until
   * confirmRecoveryWords: a retry after a failed registration gets the same words, and a launch after
   * the words screen was left shows them again (account/recoveryWords.ts). Undefined once registered.
   */
  static prepareRegistration(store: ClientProfileStore, clock: Clock = systemClock): string | undefined {
    return prepareRegistrationIdentity(store, clock);
  }

  /** The words of a registered identity that the person has not confirmed yet (undefined: none). */
  static unconfirmedRecoveryWords(store: ClientProfileStore): string | undefined {
    return pendingRecoveryWords(store);
  }

  /** The person typed a word back (or a script printed them): the words leave the profile for good. */
  static confirmRecoveryWords(store: ClientProfileStore): void {
    confirmRecoveryWords(store);
  }

  /**
   * Creates the identity of a new profile for an existing account from its typed recovery words (the same
   * identity key; a fresh hybrid key pair, published at the next login). Returns the identity public key.
   */
  static restoreIdentity(
    store: ClientProfileStore,
    mnemonic: string,
    clock: Clock = systemClock,
  ): Uint8Array {
    return restoreProfileIdentity(store, mnemonic, clock);
  }

  snapshot(): EngineSnapshot {
    return { connection: this.status.shown, groups: this.groups.summaries() };
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get keySource(): ClientProfileStore['keySource'] {
    return this.store.keySource;
  }

  serverText(): string | undefined {
    return this.options.server === undefined
      ? this.store.settings.get(SettingKey.server)
      : formatServerAddress(this.options.server);
  }

  whoami(): Promise<SelfIdentity> {
    // Through a promise, so a locked engine or a missing identity is a rejection like every other call.
    return Promise.resolve().then(() => selfIdentityOf(this.requireIdentity()));
  }

  connect(options: ConnectOptions = {}): Promise<void> {
    return this.session.connect(options);
  }

  register(usernameInput: string, password: string): Promise<void> {
    return registerProfile(this.accountHost(), usernameInput, password);
  }

  /** OPAQUE login; an account from before the server's OPAQUE setup re-registers in place first. */
  async login(usernameInput: string, password: string): Promise<LoginOutcome> {
    const outcome = await loginProfile(this.accountHost(), usernameInput, password);
    if (outcome.reRegistered) this.emit({ type: 'accountReRegistered' });
    return outcome;
  }

  /** A new account password (the old one is checked by a login); the account's other sessions end. */
  changePassword(oldPassword: string, newPassword: string): Promise<PasswordChange> {
    return changeAccountPassword(this.accountHost(), oldPassword, newPassword);
  }

  createGroup(name: string): Promise<GroupSummary> {
    return this.actions.createGroup(name);
  }

  listGroups(): GroupSummary[] {
    return this.groups.summaries();
  }

  invite(groupRef: string, username: string): Promise<void> {
    return this.actions.invite(groupRef, username);
  }

  kick(groupRef: string, usernameInput: string): Promise<void> {
    return this.actions.kick(groupRef, usernameInput);
  }

  selfUpdate(groupRef: string): Promise<void> {
    return this.actions.selfUpdate(groupRef);
  }

  /** Invites waiting for a decision, oldest first, with the inviter's username. */
  listInvites(): Promise<(PendingInvite & { readonly inviter: string })[]> {
    return this.actions.listInvites();
  }

  /** Joins the group of a waiting invite (by id, or group name when one matches); returns the group id. */
  acceptInvite(reference: string): Promise<string> {
    return this.actions.acceptInvite(reference);
  }

  /** Deletes a waiting invite without joining (the inviter is not told; see pendingInvites.ts). */
  declineInvite(reference: string): Promise<void> {
    return this.actions.declineInvite(reference);
  }

  invitePolicy(): InvitePolicy {
    return invitePolicy(this.context);
  }

  setInvitePolicy(policy: InvitePolicy): void {
    setInvitePolicy(this.context, policy);
  }

  /** Sends a Remove proposal for ourselves (another member commits it) and forgets the group. */
  leave(groupRef: string): Promise<void> {
    return this.actions.leave(groupRef);
  }

  /** Resolves once the message is in the outbox (and shown as 'pending'); delivery follows. */
  send(groupRef: string, text: string): Promise<ChatMessage> {
    return this.actions.send(groupRef, text);
  }

  /** Sends what the outbox holds now; resolves with how many went out and how many wait. */
  async flushOutbox(): Promise<FlushResult> {
    const result = await this.outbox.flush();
    await this.background.settle(BackgroundTask.selfUpdates, () => this.healing.runDue());
    return result;
  }

  /** Groups updated by the healing policy now (normally it runs by itself after sends and on a timer). */
  runDueSelfUpdates(): Promise<string[]> {
    return this.healing.runDue();
  }

  outboxSize(): Promise<number> {
    return Promise.resolve(this.store.outbox.count());
  }

  /** Fetches and processes our queue now (push does this by itself while connected). */
  sync(): Promise<number> {
    return this.incoming.drain();
  }

  async listMembers(groupRef: string): Promise<GroupMember[]> {
    const groupId = this.groups.resolve(groupRef).groupId;
    const session = await this.groups.session(groupId);
    return membersOf(session.info().members, this.context);
  }

  loadMessages(groupRef: string, options: LoadMessagesOptions): Promise<MessagePage> {
    return loadMessagePage(this.context, this.groups.resolve(groupRef).groupId, options);
  }

  /**
   * The delivery proofs stored for a message we sent, each checked against the server signing keys this
   * profile knows; `refresh` first asks the connected server for its current list (retired keys too).
   */
  deliveryProofs(messageId: string, options: { refresh: boolean }): Promise<DeliveryProofReport[]> {
    return checkStoredProofs(this.context, messageId, options);
  }

  /** Received messages stored after `seq` (the messages table order), for readers with a cursor. */
  inboxAfter(seq: number, limit: number): Promise<InboxItem[]> {
    return inboxAfter(this.context, seq, limit);
  }

  markRead(groupId: string): Promise<void> {
    this.groups.markRead(groupId);
    this.emit({ type: 'groupsChanged', groups: this.groups.summaries() });
    return Promise.resolve();
  }

  /** The TUI's "mark verified": the same trust record as `qpc verify`, so holds and screens agree. */
  async markVerified(_groupId: string | undefined, username: string): Promise<void> {
    await verifyUser(this.context, username);
  }

  /** The safety number with `username` (12 groups of 5 digits and a QR code as text). */
  safetyNumber(username: string): Promise<SafetyNumberView> {
    return safetyNumberWith(this.context, username);
  }

  /** Marks `username`'s current key verified (after the user compared the safety numbers). */
  verifyContact(username: string): Promise<string> {
    return verifyUser(this.context, username);
  }

  /** Accepts `username`'s changed key; sending to groups with them is no longer held. */
  acknowledgeKeyChange(username: string): Promise<string> {
    return Promise.resolve().then(() => acknowledgeUser(this.context, username));
  }

  // ---- key rotation (keys/) ------------------------------------------------------------------------

  /** A new sealed-sender access key, registered with the server and shared in every group. */
  rotateAccessKey(): Promise<void> {
    return this.rotations.rotateAccessKey();
  }

  /** A new hybrid key pair, published; the previous private key opens late envelopes for the grace period. */
  rotateHybridKey(): Promise<void> {
    return this.rotations.rotateHybridKey();
  }

  /** The profile's key rotation schedule, in days. */
  keySchedule(): KeySchedule {
    return readKeySchedule(this.store.settings);
  }

  /** Changes parts of the rotation schedule (typed error KEYS_BAD_SCHEDULE for a bad number of days). */
  setKeySchedule(change: Partial<KeySchedule>): KeySchedule {
    return writeKeySchedule(this.store.settings, change);
  }

  /** Scheduled key rotations due now (normally they run by themselves at session start and on a timer). */
  runDueKeyRotations(): Promise<void> {
    return this.rotations.runDue();
  }

  /**
   * The 24 recovery words again, only for the account password: it is checked by an OPAQUE login (so
   * the server's rate limits apply to guesses). RECOVERY_WORDS_NOT_KEPT for profiles made before the
   * words were kept.
   */
  async revealRecoveryWords(password: string): Promise<string> {
    const username = this.requireIdentity().username;
    if (username === null) {
      throw new ValidationError(EngineErrorCode.notRegistered, 'this profile has no account yet');
    }
    await this.login(username, password);
    const words = keptRecoveryWords(this.store);
    if (words === undefined) {
      throw new ValidationError(
        EngineErrorCode.recoveryWordsNotKept,
        'this profile does not keep its recovery words',
        { hint: 'profiles made by an older qpc kept them only until the first check' },
      );
    }
    return words;
  }

  // ---- encrypted backup (backup/profileBackup.ts) ----------------------------------------------------

  /** Writes an encrypted backup (contacts, trust, settings, history) to `file`, mode 0600. */
  exportBackup(file: string, options: Omit<ExportBackupOptions, 'clock'> = {}): Promise<BackupSummary> {
    return Promise.resolve().then(() =>
      exportBackup(this.store, file, { ...options, clock: this.mls.clock }),
    );
  }

  /**
   * Imports a backup opened by the 24 words, in one transaction; a profile with no account gets the
   * words' identity (log in next). MLS group states are not in a backup: groups come back by invite.
   */
  importBackup(file: string, words: string): Promise<ImportBackupResult> {
    return Promise.resolve().then(() => importBackup(this.store, file, words, this.mls.clock));
  }

  /**
   * Lock (lock/engineLock.ts): the connection drops, every key this engine holds in memory is zeroed
   * (identity, hybrid key, every open MLS group state), and the store closes. Every call after it fails
   * with ENGINE_LOCKED; unlocking opens the profile again in a new engine. Messages wait on the server.
   */
  async lock(): Promise<void> {
    if (this.locked) return;
    this.locked = true;
    try {
      await this.close();
    } finally {
      await this.groups.wipeSessions();
      this.store.close();
    }
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Revokes the session on the server (when connected) and forgets its token in the profile. */
  logout(): Promise<LogoutResult> {
    this.session.forgetSession();
    return logoutSession(this.store, this.mls.clock, this.session.connection);
  }

  async close(): Promise<void> {
    this.healing.stop();
    this.rotations.stop();
    await this.background.settle(BackgroundTask.closeSealedChannel, () => this.sealedChannel.close());
    const connection = this.session.detach();
    this.outbox.cancelRetry();
    this.incoming.stop();
    await connection?.close();
    wipeLoadedIdentity(this.identity);
    this.identity = undefined;
  }

  private requireIdentity(): LoadedIdentity {
    if (this.locked) throw engineLockedError();
    if (this.identity === undefined) this.identity = loadIdentity(this.store, this.mls.clock.now());
    if (this.identity === undefined) {
      throw new ValidationError(EngineErrorCode.noIdentity, 'this profile has no identity yet', {
        hint: 'create one with `qpc account register USER --password-stdin`',
      });
    }
    return this.identity;
  }

  private freshIdentity(): LoadedIdentity {
    if (this.identity?.username === null) {
      wipeLoadedIdentity(this.identity);
      this.identity = undefined;
    }
    return this.requireIdentity();
  }

  private accountHost(): AccountHost {
    return { store: this.store, session: this.session, freshIdentity: () => this.freshIdentity() };
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
