/**
 * The headless client (DESIGN.md principle 1): methods for everything a person or a bot does, and typed
 * events for everything that happens by itself (connection state, group changes, messages). The CLI and
 * the TUI both drive this class; nothing here knows about terminals.
 */
import type { CryptoProvider } from 'ts-mls';
import { fromHex, toHex, wipe } from '../lib/bytes.js';
import { systemClock, type Clock } from '../lib/clock.js';
import { AuthError, NetworkError, ValidationError } from '../lib/errors.js';
import { silentLogger, type Logger } from '../lib/logger.js';
import { BackgroundTask, BackgroundWork } from './client/backgroundWork.js';
import { ConnectionStatus } from './client/connectionStatus.js';
import { EngineErrorCode } from './engineErrors.js';
import { engineLockedError } from './lock/lockErrors.js';
import { replenishKeyPackages } from './account/keyPackageSupply.js';
import {
  confirmRecoveryWords,
  pendingRecoveryWords,
  prepareRegistrationIdentity,
} from './account/recoveryWords.js';
import { loginAccount, normalizeUsername, registerAccount } from './account/opaqueAccount.js';
import { fingerprintOf } from './identity/index.js';
import { defaultMlsCryptoProvider } from './mls/ciphersuites.js';
import { MlsGroupSession, type MlsEnv } from './mls/groupSession.js';
import type { ServerConnection, ServerConnectionOptions } from './net/serverConnection.js';
import type { ServerAddress } from './net/serverAddress.js';
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
import { usernameOf } from './client/directory.js';
import { commitToGroup, inviteToGroup, leaveGroup } from './client/groupCommits.js';
import { resolveAllPendingCommits, type CommitHooks } from './client/pendingCommits.js';
import type { CommitChange } from './mls/groupTypes.js';
import { GroupRegistry } from './client/groupRegistry.js';
import { createEngineConnection, savedSessionToken } from './client/engineConnection.js';
import {
  createProfileIdentity,
  forgetRestoredAccount,
  loadIdentity,
  keptRecoveryWords,
  publishPendingHybridKey,
  restoreProfileIdentity,
  wipeLoadedIdentity,
} from './client/localIdentity.js';
import { IncomingProcessor } from './client/incoming.js';
import {
  findInvite,
  forgetInvite,
  invitePolicy,
  listInvites,
  setInvitePolicy,
  type InvitePolicy,
} from './client/pendingInvites.js';
import { OutboxSender, queueOutgoing, type FlushResult } from './client/outboxSender.js';
import { inboxAfter, loadMessagePage, membersOf, type InboxItem } from './client/views.js';
import { SelfUpdateScheduler } from './client/selfUpdateScheduler.js';
import { logoutSession, type LogoutResult } from './client/logout.js';
import { assertSendAllowed } from './client/contactTrust.js';
import {
  peerAccessKey,
  queueAccessKeyShare,
  registerSealedAccess,
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
import {
  exportBackup,
  importBackup,
  type BackupSummary,
  type ExportBackupOptions,
  type ImportBackupResult,
} from './backup/profileBackup.js';

export type * from './client/engineTypes.js';
export type { FlushResult } from './client/outboxSender.js';
export type { InboxItem } from './client/views.js';
export type { LogoutResult } from './client/logout.js';
export type { SafetyNumberView } from './client/verification.js';
export type { CommitHooks } from './client/pendingCommits.js';
export type { InvitePolicy } from './client/pendingInvites.js';
export type { BackupSummary, ImportBackupResult } from './backup/profileBackup.js';
export { SendHeldError, SEND_HELD_KEY_CHANGED } from './client/contactTrust.js';

export interface QpcEngineOptions {
  store: ClientProfileStore;
  /** Overrides (and, after a successful connection, replaces) the server saved in the profile. */
  server?: ServerAddress;
  clock?: Clock;
  provider?: CryptoProvider;
  /** Transport tuning: timeouts, backoff, reconnect on or off. */
  connection?: Partial<Omit<ServerConnectionOptions, 'address' | 'pins'>>;
  keyPackages?: { threshold?: number; batchSize?: number };
  /** Sealed sender on or off; saved in the profile (default: the profile's setting, else on). */
  sealedSender?: boolean;
  /**
   * Where background failures are logged (task and error code only; default: nowhere). The CLI passes
   * one on stderr, the TUI one writing to a file in the profile.
   */
  logger?: Logger;
  /** Test seams of the commit flow (crash simulation); never set in normal use. */
  commitHooks?: CommitHooks;
}

export interface ConnectOptions {
  /** Open the session stream, catch up, flush the outbox and top up KeyPackages (default true). */
  session?: boolean;
}

export class QpcEngine {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly store: ClientProfileStore;
  private readonly mls: MlsEnv;
  private readonly groups: GroupRegistry;
  private readonly context: ClientContext;
  private readonly incoming: IncomingProcessor;
  private readonly outbox: OutboxSender;
  private connection: ServerConnection | undefined;
  private readonly status: ConnectionStatus;
  private identity: LoadedIdentity | undefined;
  private sessionOpen = false;
  private locked = false;
  private readonly healing: SelfUpdateScheduler;
  private readonly sealedChannel: SealedSendChannel;
  private readonly background: BackgroundWork;

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
    this.identity = loadIdentity(this.store);
    this.status = new ConnectionStatus(this.serverText() ?? '', (connection) =>
      this.emit({ type: 'connectionChanged', connection }),
    );
    this.context = {
      store: this.store,
      mls: this.mls,
      groups: this.groups,
      identity: () => this.requireIdentity(),
      connection: () => this.connection,
      emit: (event) => this.emit(event),
      announceGroup: (groupId) => this.announceGroup(groupId),
      ...(options.commitHooks === undefined ? {} : { commitHooks: options.commitHooks }),
    };
    this.incoming = new IncomingProcessor(this.context);
    this.incoming.onKeyPackageUsed = () =>
      this.background.run(BackgroundTask.replenishKeyPackages, () => this.replenish());
    this.incoming.onProposal = (groupId) =>
      this.background.run(BackgroundTask.commitProposals, () =>
        this.commitExclusive(groupId, { kind: 'pendingProposals' }),
      );
    this.outbox = new OutboxSender(this.context);
    // Issue 5: automatic self-updates, sealed sender and the access keys shared inside MLS.
    this.healing = new SelfUpdateScheduler(
      this.context,
      (groupId) => this.selfUpdate(groupId),
      (error) => this.background.report(BackgroundTask.selfUpdates, error),
    );
    this.outbox.onSent = (groupId) => this.healing.messageSent(groupId);
    this.sealedChannel = new SealedSendChannel(this.context, options.connection);
    if (options.sealedSender !== undefined) setSealedSenderEnabled(this.context, options.sealedSender);
    this.outbox.sealed = {
      enabled: () => sealedSenderEnabled(this.context),
      accessKeyOf: (identityKey) => peerAccessKey(this.context, identityKey),
      send: (recipient, accessKey, message) => this.sealedChannel.send(recipient, accessKey, message),
    };
    const share = (groupId: string): void => {
      queueAccessKeyShare(this.context, groupId);
      this.background.run(BackgroundTask.flushOutbox, () => this.outbox.flush());
    };
    this.incoming.onJoined = share;
    this.incoming.onMembersAdded = share;
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
    return Promise.resolve().then(() => {
      const identity = this.requireIdentity();
      const fingerprint = fingerprintOf(identity.mls.signingPublicKey);
      return {
        username: identity.username ?? '',
        fingerprint: fingerprint.hex,
        fingerprintGroups: fingerprint.grouped.split(' '),
      };
    });
  }

  // ---- connection and account -------------------------------------------------------------------

  async connect(options: ConnectOptions = {}): Promise<void> {
    if (this.connection === undefined) {
      const text = this.serverText();
      if (text === undefined) {
        throw new ValidationError('NO_SERVER', 'no server is set for this profile', {
          hint: 'pass --server HOST:PORT',
        });
      }
      const connection = createEngineConnection(text, this.store, this.mls.clock, this.options.connection, {
        status: (state) => this.status.transportChanged(state),
        push: (messages) =>
          this.background.run(BackgroundTask.incomingPush, () => this.incoming.acceptPush(messages)),
        // No more pushes: say so. After UNAVAILABLE (a restart) the reconnect resumes the session.
        sessionEnded: (reason) => {
          if (reason !== 'UNAVAILABLE') this.sessionOpen = false;
          this.status.sessionEnded(reason);
        },
        reconnected: () => {
          if (this.sessionOpen) void this.reopenSession();
        },
      });
      this.connection = connection;
      try {
        await connection.connect();
      } catch (error) {
        this.connection = undefined;
        throw error;
      }
      this.store.settings.set(SettingKey.server, connection.server);
    }
    if (options.session !== false && !this.sessionOpen) {
      this.loadSessionToken();
      this.sessionOpen = true;
      this.status.sessionWanted(true);
      try {
        await this.resumeSession();
      } catch (error) {
        this.sessionOpen = false;
        this.status.sessionWanted(false);
        throw error;
      }
    }
  }

  /** After a reconnection: reopen the session; a failure is shown and reported, never 'online'. */
  private async reopenSession(): Promise<void> {
    try {
      await this.resumeSession();
    } catch (error) {
      // Shown first, so whoever hears the event below already sees the state it explains.
      this.status.sessionFailed();
      this.background.report(BackgroundTask.resumeSession, error);
    }
  }

  async register(usernameInput: string, password: string): Promise<void> {
    const username = normalizeUsername(usernameInput);
    // The identity may have been replaced (prepareRegistration) since this engine loaded it: reload.
    if (this.identity?.username === null) {
      wipeLoadedIdentity(this.identity);
      this.identity = undefined;
    }
    const identity = this.requireIdentity();
    if (identity.username !== null) {
      throw new ValidationError(
        'ALREADY_REGISTERED',
        `this profile is already registered as ${identity.username}`,
      );
    }
    await this.connect({ session: false });
    const record = this.store.identity.load();
    if (record === undefined) throw new ValidationError('NO_IDENTITY', 'this profile has no identity yet');
    await registerAccount(this.requireConnection(), {
      username,
      password,
      identityPrivateKey: record.signingPrivateKey,
      identityPublicKey: record.signingPublicKey,
      hybridPublicKey: record.hybridPublicKey,
    });
    this.store.identity.save({ ...record, username });
    wipe(record.signingPrivateKey, record.hybridPrivateKey);
    identity.username = username;
    await this.login(username, password);
  }

  async login(usernameInput: string, password: string): Promise<void> {
    const username = normalizeUsername(usernameInput);
    // A profile with no account yet may have been restored (again) since this engine loaded it: reload.
    if (this.identity?.username === null) {
      wipeLoadedIdentity(this.identity);
      this.identity = undefined;
    }
    const identity = this.requireIdentity();
    if (identity.username !== null && identity.username !== username) {
      throw new ValidationError('WRONG_PROFILE', `this profile belongs to ${identity.username}`, {
        hint: 'use the --profile DIR of that account',
      });
    }
    await this.connect({ session: false });
    const grant = await loginAccount(this.requireConnection(), username, password);
    this.store.settings.set(SettingKey.sessionToken, toHex(grant.sessionToken));
    this.store.settings.set(SettingKey.sessionExpiresAt, grant.expiresAtMs.toString());
    if (identity.username === null) {
      const record = this.store.identity.load();
      if (record !== undefined) this.store.identity.save({ ...record, username });
      identity.username = username;
    }
    wipe(grant.sessionToken);
    this.sessionOpen = false;
    // A restored profile holds a new hybrid private key: replace the server's copy of the public half,
    // which also retires the old device's KeyPackages; this comes before the session opens, so the
    // KeyPackages it uploads are the new device's and stay. The server checks the signature against the
    // account's identity key, so words of another account fail here: the profile goes back to having no
    // account (and may be restored again).
    this.loadSessionToken();
    try {
      await publishPendingHybridKey(this.store, this.requireConnection(), username);
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      forgetRestoredAccount(this.store);
      identity.username = null;
      throw new AuthError('RECOVERY_WORDS_MISMATCH', `these recovery words are not those of ${username}`, {
        hint: 'check the words, or the username',
      });
    }
    await this.connect();
  }

  // ---- groups and messages ----------------------------------------------------------------------

  async createGroup(name: string): Promise<GroupSummary> {
    if (name.trim() === '') throw new ValidationError('BAD_GROUP_NAME', 'a group needs a name');
    const session = await MlsGroupSession.create(this.mls, { identity: this.requireIdentity().mls, name });
    this.groups.adopt(session);
    await this.announceGroup(session.groupId);
    const summary = this.groups.summaries().find((group) => group.id === session.groupId);
    if (summary === undefined) throw new ValidationError('GROUP_NOT_FOUND', 'the new group was not stored');
    return summary;
  }

  listGroups(): GroupSummary[] {
    return this.groups.summaries();
  }

  async invite(groupRef: string, username: string): Promise<void> {
    const groupId = this.groups.resolve(groupRef).groupId;
    await this.incoming.exclusive(async () => {
      await this.incoming.fetchAll();
      await inviteToGroup(this.context, groupId, username, () => this.incoming.fetchAll());
    });
    queueAccessKeyShare(this.context, groupId);
    // The invite itself succeeded; the access key waits in the outbox if this flush fails.
    await this.background.settle(BackgroundTask.flushOutbox, () => this.outbox.flush());
  }

  async kick(groupRef: string, usernameInput: string): Promise<void> {
    const groupId = this.groups.resolve(groupRef).groupId;
    const members = await this.listMembers(groupId);
    const username = normalizeUsername(usernameInput);
    const target = members.find((member) => member.username === username && !member.self);
    if (target === undefined) throw new ValidationError('NOT_A_MEMBER', `${username} is not in this group`);
    const session = await this.groups.session(groupId);
    const key = session.info().members.find((member) => fingerprintOf(member).hex === target.fingerprint);
    if (key === undefined) throw new ValidationError('NOT_A_MEMBER', `${username} is not in this group`);
    await this.commitExclusive(groupId, { kind: 'remove', identityKeys: [key] });
  }

  async selfUpdate(groupRef: string): Promise<void> {
    const groupId = this.groups.resolve(groupRef).groupId;
    await this.commitExclusive(groupId, { kind: 'selfUpdate' });
    this.healing.updated(groupId);
  }

  // ---- invites waiting for consent (client/pendingInvites.ts) ---------------------------------------

  /** Invites waiting for a decision, oldest first, with the inviter's username. */
  async listInvites(): Promise<(PendingInvite & { readonly inviter: string })[]> {
    const out: (PendingInvite & { readonly inviter: string })[] = [];
    for (const invite of listInvites(this.context)) {
      out.push({ ...invite, inviter: await usernameOf(fromHex(invite.from), this.store, this.connection) });
    }
    return out;
  }

  /** Joins the group of a waiting invite (by id, or group name when one matches); returns the group id. */
  async acceptInvite(reference: string): Promise<string> {
    const invite = findInvite(this.context, reference);
    const groupId = await this.incoming.acceptInvite(invite.bytes);
    forgetInvite(this.context, invite.id);
    this.emit({ type: 'invitesChanged', invites: listInvites(this.context) });
    return groupId;
  }

  /** Deletes a waiting invite without joining (the inviter is not told; see pendingInvites.ts). */
  async declineInvite(reference: string): Promise<void> {
    const invite = findInvite(this.context, reference);
    forgetInvite(this.context, invite.id);
    this.emit({ type: 'invitesChanged', invites: listInvites(this.context) });
    // async so a missing invite is a rejection, as for every other call of the facade.
    await Promise.resolve();
  }

  invitePolicy(): InvitePolicy {
    return invitePolicy(this.context);
  }

  setInvitePolicy(policy: InvitePolicy): void {
    setInvitePolicy(this.context, policy);
  }

  /** Sends a Remove proposal for ourselves (another member commits it) and forgets the group. */
  async leave(groupRef: string): Promise<void> {
    const groupId = this.groups.resolve(groupRef).groupId;
    const connection = this.requireConnection();
    await this.incoming.exclusive(() => leaveGroup(this.context, connection, groupId));
    this.emit({ type: 'groupRemoved', groupId, reason: 'left' });
    await this.announceGroup(undefined);
  }

  /** Our commit on the newest epoch (caught up first), incoming lane held, conflicts retried. */
  private async commitExclusive(groupId: string, change: CommitChange): Promise<void> {
    const catchUp = () => this.incoming.fetchAll();
    await this.incoming.exclusive(async () => {
      await catchUp();
      if (this.groups.has(groupId)) await commitToGroup(this.context, groupId, change, catchUp);
    });
    await this.announceGroup(groupId);
    // Messages held back while the commit was pending go out in the new epoch.
    void this.outbox.flush().catch(() => undefined);
  }

  /** Resolves once the message is in the outbox (and shown as 'pending'); delivery follows. */
  send(groupRef: string, text: string): Promise<ChatMessage> {
    return this.assertSendAllowed(groupRef).then(() => this.queueMessage(groupRef, text));
  }

  /** SendHeldError while a verified member's key change waits for acknowledgement (contactTrust.ts). */
  private async assertSendAllowed(groupRef: string): Promise<void> {
    const groupId = this.groups.resolve(groupRef).groupId;
    const session = await this.groups.session(groupId);
    assertSendAllowed(this.store, session.info().members.map(toHex), this.mls.clock.now());
  }

  private queueMessage(groupRef: string, text: string): ChatMessage {
    const message = queueOutgoing(this.context, this.groups.resolve(groupRef), text);
    if (this.connection?.state === 'online') {
      this.background.run(BackgroundTask.flushOutbox, async () => {
        await this.outbox.flush();
        await this.healing.runDue();
      });
    }
    return message;
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

  /**
   * The 24 recovery words again, only for the account password: it is checked by an OPAQUE login (so
   * the server's rate limits apply to guesses). RECOVERY_WORDS_NOT_KEPT for profiles made before the
   * words were kept.
   */
  async revealRecoveryWords(password: string): Promise<string> {
    const username = this.requireIdentity().username;
    if (username === null) {
      throw new ValidationError('NOT_REGISTERED', 'this profile has no account yet');
    }
    await this.login(username, password);
    const words = keptRecoveryWords(this.store);
    if (words === undefined) {
      throw new ValidationError('RECOVERY_WORDS_NOT_KEPT', 'this profile does not keep its recovery words', {
        hint: 'profiles made by an older qpc kept them only until the first check',
      });
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

  /** Revokes the session on the server (when connected) and forgets its token in the profile. */
  logout(): Promise<LogoutResult> {
    this.sessionOpen = false;
    return logoutSession(this.store, this.mls.clock, this.connection);
  }

  async close(): Promise<void> {
    this.healing.stop();
    await this.background.settle(BackgroundTask.closeSealedChannel, () => this.sealedChannel.close());
    const connection = this.connection;
    this.connection = undefined;
    this.sessionOpen = false;
    this.outbox.cancelRetry();
    this.incoming.stop();
    await connection?.close();
    wipeLoadedIdentity(this.identity);
    this.identity = undefined;
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

  private loadSessionToken(): void {
    this.requireConnection().sessionToken = savedSessionToken(this.store, this.mls.clock);
  }

  /** After every (re)connection: the session stream, then catch-up, the outbox and KeyPackages. */
  private async resumeSession(): Promise<void> {
    const connection = this.requireConnection();
    this.status.sessionOpening();
    try {
      await connection.openSession();
    } catch (error) {
      // The server answers but refuses the session (an expired or revoked token, a server error).
      this.status.sessionRefused(error);
      throw error;
    }
    // Our pending commits first: messages in the epochs after them need them merged.
    await this.incoming.exclusive(() => resolveAllPendingCommits(this.context, connection));
    await this.incoming.drain();
    // Pushes arrive and the queue is caught up: the session is usable ('online') from here.
    this.status.sessionLive();
    await this.outbox.flush();
    // A restore whose key publish did not finish (a crash, a lost connection) finishes it first: the
    // old device's KeyPackages go, then ours are uploaded.
    const identity = this.requireIdentity();
    if (identity.username !== null) await publishPendingHybridKey(this.store, connection, identity.username);
    await this.background.settle(BackgroundTask.replenishKeyPackages, () => this.replenish());
    if (sealedSenderEnabled(this.context)) {
      await this.background.settle(BackgroundTask.sealedAccess, () => registerSealedAccess(this.context));
    }
    this.healing.start();
  }

  private async replenish(): Promise<void> {
    const connection = this.connection;
    if (connection?.state !== 'online') return;
    await replenishKeyPackages(connection, {
      ...this.mls,
      identity: this.requireIdentity().mls,
      ...this.options.keyPackages,
    });
  }

  private async announceGroup(groupId: string | undefined): Promise<void> {
    this.emit({ type: 'groupsChanged', groups: this.groups.summaries() });
    if (groupId === undefined || !this.groups.has(groupId)) return;
    const session = await this.groups.session(groupId);
    const members = await membersOf(session.info().members, this.context);
    this.emit({ type: 'membersChanged', groupId, members });
  }

  private requireIdentity(): LoadedIdentity {
    if (this.locked) throw engineLockedError();
    if (this.identity === undefined) this.identity = loadIdentity(this.store);
    if (this.identity === undefined) {
      throw new ValidationError('NO_IDENTITY', 'this profile has no identity yet', {
        hint: 'create one with `qpc account register USER --password-stdin`',
      });
    }
    return this.identity;
  }

  private requireConnection(): ServerConnection {
    if (this.connection === undefined) {
      throw new NetworkError(EngineErrorCode.notConnected, 'not connected to the server', {
        hint: 'connect first; the client reconnects by itself',
      });
    }
    return this.connection;
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
