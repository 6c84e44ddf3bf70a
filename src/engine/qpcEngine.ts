/**
 * The headless client (docs/architecture.md: the engine knows no screen): methods for everything a person or a bot does, and typed
 * events for everything that happens by itself (connection state, group changes, messages). The CLI and
 * the TUI both drive this class; nothing here knows about terminals.
 */
import { systemClock } from '../lib/clock.js';
import { ValidationError } from '../lib/errors.js';
import { silentLogger } from '../lib/logger.js';
import { BackgroundTask, BackgroundWork } from './client/backgroundWork.js';
import { EngineErrorCode } from './engineErrors.js';
import { EngineKeyLifecycle } from './engineKeyLifecycle.js';
import { engineLockedError } from './lock/lockErrors.js';
import { ConnectionStatus } from './client/connectionStatus.js';
import { defaultMlsCryptoProvider } from './mls/ciphersuites.js';
import type { CommitChange, MlsEnv } from './mls/groupSession.js';
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
import { EngineAccount, type LoginOutcome, type PasswordChange } from './account/engineAccount.js';
import { EngineSession } from './client/engineSession.js';
import { wireSealedReports } from './client/sealedReportWiring.js';
import { GroupActions } from './client/groupActions.js';
import { GroupRegistry } from './client/groupRegistry.js';
import { loadIdentity, wipeLoadedIdentity } from './client/localIdentity.js';
import { IncomingProcessor } from './client/incoming.js';
import { KeyRotations } from './keys/keyRotations.js';
import { rotateIdentity, type IdentityRotationResult } from './keys/identityRotation.js';
import { checkStoredProofs, type DeliveryProofReport } from './proofs/deliveryProofs.js';
import { invitePolicy, setInvitePolicy, type InvitePolicy } from './client/pendingInvites.js';
import { sendInviteNotices } from './client/inviteNotices.js';
import { removeUnwillingInvitee } from './client/inviteAnswers.js';
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

export type * from './engineExports.js';
export { SendHeldError, SEND_HELD_KEY_CHANGED } from './client/contactTrust.js';

export class QpcEngine extends EngineKeyLifecycle {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  protected readonly store: ClientProfileStore;
  protected readonly mls: MlsEnv;
  protected readonly groups: GroupRegistry;
  private readonly context: ClientContext;
  private readonly incoming: IncomingProcessor;
  private readonly outbox: OutboxSender;
  private readonly status: ConnectionStatus;
  private identity: LoadedIdentity | undefined;
  private readonly healing: SelfUpdateScheduler;
  private readonly sealedChannel: SealedSendChannel;
  private readonly background: BackgroundWork;
  protected readonly rotations: KeyRotations;
  private readonly session: EngineSession;
  private readonly actions: GroupActions;
  private readonly account: EngineAccount;

  constructor(private readonly options: QpcEngineOptions) {
    super();
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
      logger: this.background.logger,
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
    wireSealedReports(this.context, this.incoming, this.sealedChannel, this.background, this.outbox);
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
    this.incoming.onInviteNoticeQueued = () =>
      this.background.run(BackgroundTask.inviteNotices, () => sendInviteNotices(this.context));
    this.incoming.onInviteAnswered = (answer) =>
      this.background.run(BackgroundTask.inviteNotices, () =>
        removeUnwillingInvitee(this.context, answer, (groupId, change) =>
          this.actions.commitExclusive(groupId, change),
        ),
      );
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
    const accountHost = {
      store: this.store,
      session: this.session,
      clock: this.mls.clock,
      freshIdentity: () => this.freshIdentity(),
    };
    this.account = new EngineAccount(accountHost, (event) => this.emit(event));
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
    return this.account.register(usernameInput, password);
  }

  login(usernameInput: string, password: string): Promise<LoginOutcome> {
    return this.account.login(usernameInput, password);
  }

  changePassword(oldPassword: string, newPassword: string): Promise<PasswordChange> {
    return this.account.changePassword(oldPassword, newPassword);
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

  /** Deletes a waiting invite without joining; the inviter is told, and removes us from the group. */
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

  /** A new identity key from the next SLIP-0010 index, everywhere (keys/identityRotation.ts). */
  rotateIdentity(words?: string): Promise<IdentityRotationResult> {
    const hooks = {
      commit: (groupId: string, change: CommitChange) => this.actions.commitExclusive(groupId, change),
      replenish: () => this.session.replenish(),
    };
    return this.rotations.exclusive(() => rotateIdentity(this.context, hooks, words));
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

  protected requireIdentity(): LoadedIdentity {
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

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
