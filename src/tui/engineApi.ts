/**
 * The contract between the headless engine and the TUI (docs/architecture.md, layers). The data types are the
 * engine's own (src/engine/client/engineTypes.ts is their source; the arrow runs tui -> engine), and
 * `EngineApi` is the subset of QpcEngine the TUI calls, so QpcEngine satisfies it directly and a bot or
 * a test fake can stand in for it.
 *
 * Async methods resolve when the engine has accepted the work locally (for `send`: the message is in
 * the outbox). They reject with a QpcError (src/lib/errors.ts): a stable `code`, a `message` safe to
 * show a person, and an optional `hint`. Results that arrive later come back as events.
 */
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
} from '../engine/client/engineTypes.js';
import type { SafetyNumberView } from '../engine/client/verification.js';
import type { BackupSummary, ImportBackupResult } from '../engine/backup/profileBackup.js';

export type { BackupSummary, ImportBackupResult } from '../engine/backup/profileBackup.js';

export type { SafetyNumberView } from '../engine/client/verification.js';

export type {
  ChatMessage,
  CiphersuiteInfo,
  ConnectionState,
  DeliveryState,
  EngineEvent,
  EngineSnapshot,
  GroupMember,
  GroupSummary,
  LoadMessagesOptions,
  MessagePage,
  PendingInvite,
  SelfIdentity,
  VerificationState,
} from '../engine/client/engineTypes.js';

export interface EngineApi {
  /** Current state, synchronously; call after `subscribe` so no event falls between the two. */
  snapshot(): EngineSnapshot;
  /** Returns the unsubscribe function. Listeners must not throw. */
  subscribe(listener: (event: EngineEvent) => void): () => void;

  whoami(): Promise<SelfIdentity>;
  createGroup(name: string): Promise<GroupSummary>;
  invite(groupId: string, username: string): Promise<void>;
  kick(groupId: string, username: string): Promise<void>;
  leave(groupId: string): Promise<void>;
  /** Resolves once the message is in the outbox; a 'messageSent' event carries it too. */
  send(groupId: string, text: string): Promise<ChatMessage>;
  /** An MLS self-update commit (/rotate): fresh leaf keys, a new epoch. */
  selfUpdate(groupId: string): Promise<void>;
  /** /rotate-hybrid: a new hybrid key published; the previous one opens what was sealed to it for a grace period. */
  rotateHybridKey(): Promise<void>;
  /** /rotate-access: a new sealed-sender access key, registered and shared in every group. */
  rotateAccessKey(): Promise<void>;
  /** /rotate-identity: a new identity key everywhere (directory, every group). */
  rotateIdentity(): Promise<{
    readonly groupsUpdated: readonly string[];
    readonly groupsDeferred: readonly string[];
  }>;
  /** Joins a waiting invite (by group name or invite id); resolves with the group id. */
  acceptInvite(reference: string): Promise<string>;
  /** Deletes a waiting invite without joining. */
  declineInvite(reference: string): Promise<void>;
  /** Invites waiting for a decision, oldest first; later changes come as 'invitesChanged' events. */
  listInvites(): Promise<readonly PendingInvite[]>;
  /** Marks `username`'s current key as verified; `groupId` is the context it was shown in, if any. */
  markVerified(groupId: string | undefined, username: string): Promise<void>;
  /** The safety number with `username`: 12 groups of 5 digits, the QR code as text, and the trust state. */
  safetyNumber(username: string): Promise<SafetyNumberView>;
  /**
   * Accepts `username`'s changed key (after comparing safety numbers again); sending to groups with
   * them is no longer held (`send` rejects with SEND_HELD_KEY_CHANGED until then).
   */
  acknowledgeKeyChange(username: string): Promise<string>; // the new VerificationState
  /** Messages queued locally and not yet accepted by the server. */
  outboxSize(): Promise<number>;
  loadMessages(groupId: string, options: LoadMessagesOptions): Promise<MessagePage>;
  listMembers(groupId: string): Promise<readonly GroupMember[]>;
  /** Sets the group's unread count to 0 (the user is looking at it). */
  markRead(groupId: string): Promise<void>;
  /**
   * The 24 recovery words again, only for the account password (checked by an OPAQUE login). The TUI
   * keeps them on screen only while the identity overlay shows them.
   */
  revealRecoveryWords(password: string): Promise<string>;
  /**
   * /password: a new account password, after the current one is checked by a login (AUTH_FAILED when
   * wrong); the account's other sessions end, and this one goes on under the new password.
   */
  changePassword(oldPassword: string, newPassword: string): Promise<{ readonly sessionsEnded: number }>;
  /**
   * Writes the encrypted backup (docs/backup.md) to `file`; `words` only when the profile does not keep
   * its own (BACKUP_WORDS_NEEDED says so).
   */
  exportBackup(file: string, options?: { words?: string }): Promise<BackupSummary>;
  /** Imports a backup the 24 `words` open, in one transaction (typed BACKUP_* errors refuse it whole). */
  importBackup(file: string, words: string): Promise<ImportBackupResult>;
}

/** The shape of a rejection the TUI shows inline; QpcError satisfies it. */
export interface EngineErrorLike {
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
}
