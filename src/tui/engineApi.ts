/**
 * The contract between the headless engine and the TUI (DESIGN.md, principle 1). The engine implements
 * `EngineApi`; the TUI only reads the snapshot, subscribes to events and calls methods. Nothing here
 * imports the engine, so a bot or a test fake can stand in for it.
 *
 * Async methods resolve when the engine has accepted the work locally (for `send`: the message is in
 * the outbox). They reject with a QpcError (src/lib/errors.ts): a stable `code`, a `message` safe to
 * show a person, and an optional `hint`. Results that arrive later come back as events.
 */

/** Where the session stands; `server` is the address shown in the status bar ("host:port"). */
export type ConnectionState =
  | { readonly status: 'connecting'; readonly server: string }
  | { readonly status: 'online'; readonly server: string }
  | { readonly status: 'offline'; readonly server: string; readonly reason?: string };

export interface CiphersuiteInfo {
  /** The RFC 9420 / IANA name, e.g. "MLS_256_XWING_AES256GCM_SHA512_Ed25519". */
  readonly name: string;
  /** True when the KEM is post-quantum (X-Wing, ML-KEM); the status bar shows a "PQ" badge. */
  readonly postQuantum: boolean;
}

export interface GroupSummary {
  readonly id: string;
  readonly name: string;
  readonly unread: number;
  /** Milliseconds since the Unix epoch of the last message or membership change. */
  readonly lastActivity: number;
  /** The MLS epoch of the local group state. */
  readonly epoch: bigint;
  readonly ciphersuite: CiphersuiteInfo;
  /** True when messages to this group travel in sealed-sender envelopes (the server does not see who sent). */
  readonly sealedSender: boolean;
}

export type DeliveryState = 'pending' | 'sent' | 'delivered' | 'failed';

export interface ChatMessage {
  /** Unique within its group; stable from "pending" to "delivered". */
  readonly id: string;
  readonly groupId: string;
  readonly sender: {
    readonly username: string;
    /** SHA-256 of the sender's identity key, 64 lower-case hex digits. */
    readonly fingerprint: string;
  };
  /** Plain text; empty when `decryptFailed`. */
  readonly text: string;
  /** Milliseconds since the Unix epoch (sender's timestamp for received messages). */
  readonly sentAt: number;
  /** For received messages always 'delivered'. */
  readonly state: DeliveryState;
  /** True when the ciphertext arrived but could not be opened; the TUI marks the row. */
  readonly decryptFailed: boolean;
  /** True for messages this client sent. */
  readonly outgoing: boolean;
}

export type VerificationState = 'unverified' | 'verified' | 'changed';

export interface GroupMember {
  readonly username: string;
  /** 64 lower-case hex digits. */
  readonly fingerprint: string;
  /** 'changed': the key differs from the one the user verified before. Shown loudly. */
  readonly verification: VerificationState;
  readonly self: boolean;
}

export interface SelfIdentity {
  readonly username: string;
  /** 64 lower-case hex digits. */
  readonly fingerprint: string;
  /** The same digits in 16 groups of 4, for reading aloud. */
  readonly fingerprintGroups: readonly string[];
}

export interface EngineSnapshot {
  readonly connection: ConnectionState;
  readonly groups: readonly GroupSummary[];
}

export type EngineEvent =
  | { readonly type: 'connectionChanged'; readonly connection: ConnectionState }
  /** The whole list, after any change (new group, unread, epoch, activity). */
  | { readonly type: 'groupsChanged'; readonly groups: readonly GroupSummary[] }
  | { readonly type: 'messageReceived'; readonly message: ChatMessage }
  /** A message this client queued; emitted once with state 'pending'. */
  | { readonly type: 'messageSent'; readonly message: ChatMessage }
  | {
      readonly type: 'deliveryStateChanged';
      readonly groupId: string;
      readonly messageId: string;
      readonly state: DeliveryState;
    }
  /** The whole member list of one group, after a join, removal, key change or verification. */
  | { readonly type: 'membersChanged'; readonly groupId: string; readonly members: readonly GroupMember[] }
  /** A group this client is no longer in (left, or removed by someone else). */
  | { readonly type: 'groupRemoved'; readonly groupId: string; readonly reason: 'left' | 'removed' };

export interface LoadMessagesOptions {
  /** Id of the oldest message already shown; omit for the newest page. */
  readonly before?: string;
  readonly limit: number;
}

export interface MessagePage {
  /** Oldest first. */
  readonly messages: readonly ChatMessage[];
  /** True when older messages exist before the first one returned. */
  readonly hasMore: boolean;
}

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
  /** Marks `username`'s current key as verified; `groupId` is the context it was shown in, if any. */
  markVerified(groupId: string | undefined, username: string): Promise<void>;
  /** Messages queued locally and not yet accepted by the server. */
  outboxSize(): Promise<number>;
  loadMessages(groupId: string, options: LoadMessagesOptions): Promise<MessagePage>;
  listMembers(groupId: string): Promise<readonly GroupMember[]>;
  /** Sets the group's unread count to 0 (the user is looking at it). */
  markRead(groupId: string): Promise<void>;
}

/** The shape of a rejection the TUI shows inline; QpcError satisfies it. */
export interface EngineErrorLike {
  readonly code: string;
  readonly message: string;
  readonly hint?: string | undefined;
}
