/**
 * An in-memory EngineApi for the TUI tests only (integration tests use the real engine): it records calls, answers
 * from plain arrays, and lets a test push events as the real engine would.
 */
import {
  renderSafetyNumberQr,
  SAFETY_NUMBER_QR_PAYLOAD_BYTES,
  SAFETY_NUMBER_QR_VERSION,
} from '../../engine/identity/safetyNumber.js';
import { fromHex } from '../../lib/bytes.js';
import { AuthError, QpcError } from '../../lib/errors.js';
import { WireErrorCode } from '../../protocol/errorCodes.js';
import type {
  BackupSummary,
  ChatMessage,
  ConnectionState,
  EngineApi,
  EngineEvent,
  EngineSnapshot,
  GroupMember,
  GroupSummary,
  ImportBackupResult,
  LoadMessagesOptions,
  MessagePage,
  PendingInvite,
  SafetyNumberView,
  SelfIdentity,
  VerificationState,
} from '../engineApi.js';

export const pqSuite = { name: 'MLS_256_XWING_AES256GCM_SHA512_Ed25519', postQuantum: true };
export const classicalSuite = { name: 'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519', postQuantum: false };

/** A deterministic 64-hex fingerprint derived from a name (not a real hash: tests only). */
export function fakeFingerprint(seed: string): string {
  let hex = '';
  let state = 2166136261;
  for (let round = 0; hex.length < 64; round += 1) {
    for (const char of `${seed}:${round}`) state = Math.imul(state ^ char.charCodeAt(0), 16777619) >>> 0;
    hex += state.toString(16).padStart(8, '0');
  }
  return hex.slice(0, 64);
}

export function makeGroup(id: string, overrides: Partial<GroupSummary> = {}): GroupSummary {
  return {
    id,
    name: id,
    unread: 0,
    lastActivity: 0,
    epoch: 1n,
    ciphersuite: pqSuite,
    sealedSender: true,
    ...overrides,
  };
}

export function makeMessage(
  groupId: string,
  index: number,
  overrides: Partial<ChatMessage> = {},
): ChatMessage {
  const username = overrides.sender?.username ?? (index % 2 === 0 ? 'alice' : 'bob');
  return {
    id: `${groupId}-m${index}`,
    groupId,
    sender: { username, fingerprint: fakeFingerprint(username) },
    text: `message number ${index}`,
    sentAt: Date.UTC(2026, 10, 22, 9, 0) + index * 60_000,
    state: 'delivered',
    decryptFailed: false,
    outgoing: false,
    ...overrides,
  };
}

export interface RecordedCall {
  readonly method: string;
  readonly args: readonly unknown[];
}

export class FakeEngine implements EngineApi {
  connection: ConnectionState = { status: 'online', server: 'chat.example:7443' };
  groups: GroupSummary[] = [];
  /** Invites waiting for consent, oldest first. */
  invites: PendingInvite[] = [];
  messages = new Map<string, ChatMessage[]>();
  members = new Map<string, GroupMember[]>();
  self: SelfIdentity = {
    username: 'carol',
    fingerprint: fakeFingerprint('carol'),
    fingerprintGroups: fakeFingerprint('carol').match(/.{4}/gu) ?? [],
  };
  outbox = 0;
  /** The account password revealRecoveryWords and changePassword accept, and the words it then gives. */
  accountPassword = 'correct horse';
  recoveryWords = Array.from({ length: 24 }, (_unused, index) => `word${index + 1}`).join(' ');
  /** What the next exportBackup / importBackup resolves with (a failure comes from failNext). */
  backupSummary: BackupSummary = { contacts: 2, settings: 3, messages: 40, bytes: 4096 };
  readonly calls: RecordedCall[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly failures = new Map<string, QpcError>();
  private nextId = 1;

  /** The next call of `method` rejects with this error. */
  failNext(method: keyof EngineApi, code: string, message: string): void {
    this.failures.set(method, new QpcError(code, message));
  }

  /** The next call of `method` rejects with exactly this error (for codes that carry a hint). */
  failNextWith(method: keyof EngineApi, error: QpcError): void {
    this.failures.set(method, error);
  }

  /** 0 once the TUI has unmounted (it unsubscribes on the way out). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  callsTo(method: keyof EngineApi): RecordedCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  private async record<T>(method: string, args: readonly unknown[], result: () => T): Promise<T> {
    this.calls.push({ method, args });
    const failure = this.failures.get(method);
    if (failure !== undefined) {
      this.failures.delete(method);
      throw failure;
    }
    await Promise.resolve();
    return result();
  }

  snapshot(): EngineSnapshot {
    return { connection: this.connection, groups: this.groups };
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  whoami(): Promise<SelfIdentity> {
    return this.record('whoami', [], () => this.self);
  }

  createGroup(name: string): Promise<GroupSummary> {
    return this.record('createGroup', [name], () => {
      const group = makeGroup(`g${this.nextId++}`, { name, lastActivity: Date.now() });
      this.groups = [...this.groups, group];
      this.messages.set(group.id, []);
      return group;
    });
  }

  invite(groupId: string, username: string): Promise<void> {
    return this.record('invite', [groupId, username], () => undefined);
  }

  kick(groupId: string, username: string): Promise<void> {
    return this.record('kick', [groupId, username], () => undefined);
  }

  leave(groupId: string): Promise<void> {
    return this.record('leave', [groupId], () => {
      this.groups = this.groups.filter((group) => group.id !== groupId);
      this.emit({ type: 'groupRemoved', groupId, reason: 'left' });
    });
  }

  send(groupId: string, text: string): Promise<ChatMessage> {
    return this.record('send', [groupId, text], () => {
      const message: ChatMessage = {
        id: `sent-${this.nextId++}`,
        groupId,
        sender: { username: this.self.username, fingerprint: this.self.fingerprint },
        text,
        sentAt: Date.UTC(2026, 10, 22, 10, 30),
        state: 'pending',
        decryptFailed: false,
        outgoing: true,
      };
      this.messages.set(groupId, [...(this.messages.get(groupId) ?? []), message]);
      this.emit({ type: 'messageSent', message });
      return message;
    });
  }

  acceptInvite(reference: string): Promise<string> {
    return this.record('acceptInvite', [reference], () => {
      this.forgetInvite(reference);
      return reference;
    });
  }

  declineInvite(reference: string): Promise<void> {
    return this.record('declineInvite', [reference], () => this.forgetInvite(reference));
  }

  listInvites(): Promise<readonly PendingInvite[]> {
    return this.record('listInvites', [], () => this.invites);
  }

  /** As the engine: by id or group name, then the new list as an event. */
  private forgetInvite(reference: string): void {
    this.invites = this.invites.filter((invite) => invite.id !== reference && invite.groupName !== reference);
    this.emit({ type: 'invitesChanged', invites: this.invites });
  }

  selfUpdate(groupId: string): Promise<void> {
    return this.record('selfUpdate', [groupId], () => undefined);
  }

  rotateHybridKey(): Promise<void> {
    return this.record('rotateHybridKey', [], () => undefined);
  }

  rotateAccessKey(): Promise<void> {
    return this.record('rotateAccessKey', [], () => undefined);
  }

  rotateIdentity(): Promise<{
    readonly groupsUpdated: readonly string[];
    readonly groupsDeferred: readonly string[];
  }> {
    return this.record('rotateIdentity', [], () => ({ groupsUpdated: [], groupsDeferred: [] }));
  }

  markVerified(groupId: string | undefined, username: string): Promise<void> {
    return this.record('markVerified', [groupId, username], () => this.setMemberState(username, 'verified'));
  }

  /**
   * Deterministic digits per pair, so captures are stable; the QR code is the engine's own renderer
   * over a payload of the real size (65 bytes), so layout tests see a code as large as the real one.
   */
  async safetyNumber(username: string): Promise<SafetyNumberView> {
    const payload = new Uint8Array(SAFETY_NUMBER_QR_PAYLOAD_BYTES);
    payload.set(fromHex(fakeFingerprint(`${this.self.username}:${username}`)), 1);
    payload[0] = SAFETY_NUMBER_QR_VERSION;
    const qr = await renderSafetyNumberQr(payload, 'utf8');
    return this.record('safetyNumber', [username], () => {
      const digits = [...fakeFingerprint(`${this.self.username}:${username}`)]
        .map((char) => (parseInt(char, 16) % 10).toString())
        .join('');
      const groups = Array.from({ length: 12 }, (_unused, index) => digits.slice(index * 5, index * 5 + 5));
      const display = [0, 4, 8].map((start) => groups.slice(start, start + 4).join(' ')).join('\n');
      const verification = this.memberState(username) ?? 'unverified';
      return { username, groups, display, qr, verification };
    });
  }

  /** Like the engine: a changed key becomes unverified (a new key nobody compared yet). */
  acknowledgeKeyChange(username: string): Promise<VerificationState> {
    return this.record('acknowledgeKeyChange', [username], () => {
      this.setMemberState(username, 'unverified');
      return 'unverified';
    });
  }

  private memberState(username: string): VerificationState | undefined {
    for (const list of this.members.values()) {
      const member = list.find((candidate) => candidate.username === username);
      if (member !== undefined) return member.verification;
    }
    return undefined;
  }

  private setMemberState(username: string, verification: VerificationState): void {
    for (const [id, list] of this.members) {
      this.members.set(
        id,
        list.map((member) => (member.username === username ? { ...member, verification } : member)),
      );
    }
  }

  outboxSize(): Promise<number> {
    return this.record('outboxSize', [], () => this.outbox);
  }

  loadMessages(groupId: string, options: LoadMessagesOptions): Promise<MessagePage> {
    return this.record('loadMessages', [groupId, options], () => {
      const all = this.messages.get(groupId) ?? [];
      const end =
        options.before === undefined ? all.length : all.findIndex((message) => message.id === options.before);
      const start = Math.max(0, end - options.limit);
      return { messages: all.slice(start, end), hasMore: start > 0 };
    });
  }

  listMembers(groupId: string): Promise<readonly GroupMember[]> {
    return this.record('listMembers', [groupId], () => this.members.get(groupId) ?? []);
  }

  markRead(groupId: string): Promise<void> {
    return this.record('markRead', [groupId], () => {
      this.groups = this.groups.map((group) => (group.id === groupId ? { ...group, unread: 0 } : group));
      this.emit({ type: 'groupsChanged', groups: this.groups });
    });
  }

  revealRecoveryWords(password: string): Promise<string> {
    return this.record('revealRecoveryWords', [password], () => {
      if (password !== this.accountPassword) {
        throw new AuthError(WireErrorCode.AuthFailed, 'wrong username or password');
      }
      return this.recoveryWords;
    });
  }

  changePassword(oldPassword: string, newPassword: string): Promise<{ readonly sessionsEnded: number }> {
    return this.record('changePassword', [oldPassword, newPassword], () => {
      if (oldPassword !== this.accountPassword) {
        throw new AuthError(WireErrorCode.AuthFailed, 'wrong username or password');
      }
      this.accountPassword = newPassword;
      return { sessionsEnded: 1 };
    });
  }

  exportBackup(file: string, options: { words?: string } = {}): Promise<BackupSummary> {
    return this.record('exportBackup', [file, options], () => this.backupSummary);
  }

  importBackup(file: string, words: string): Promise<ImportBackupResult> {
    return this.record('importBackup', [file, words], () => ({
      contacts: this.backupSummary.contacts,
      settings: this.backupSummary.settings,
      messages: this.backupSummary.messages,
      username: this.self.username,
      identityRestored: false,
      userSettings: {},
    }));
  }
}
