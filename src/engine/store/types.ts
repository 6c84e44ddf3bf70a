/**
 * What the engine keeps on disk, as repositories over one encrypted profile database.
 * The SQLCipher implementation lives in this folder; an in-memory one serves unit tests only.
 * Every byte array handed in is copied by the store; every one handed out is the caller's to wipe.
 */

export interface IdentityRecord {
  /** BIP39 seed-derived Ed25519 private key (32 bytes). */
  signingPrivateKey: Uint8Array;
  signingPublicKey: Uint8Array;
  /** Hybrid (X25519 + ML-KEM-768) key pair for envelopes, serialized by the envelope module. */
  hybridPrivateKey: Uint8Array;
  hybridPublicKey: Uint8Array;
  username: string | null;
  createdAt: number;
}

export interface GroupRecord {
  /** MLS group id, hex. */
  groupId: string;
  name: string;
  /** MLS ciphersuite name, e.g. MLS_256_XWING_AES256GCM_SHA512_Ed25519. */
  ciphersuite: string;
  epoch: bigint;
  /** ts-mls encodeGroupState output: holds private keys, so it only ever lives in the encrypted store. */
  state: Uint8Array;
  updatedAt: number;
}

export interface KeyPackageRecord {
  /** KeyPackageRef (RFC 9420 5.2), hex. */
  ref: string;
  ciphersuite: string;
  /** The public KeyPackage as MLS wire bytes. */
  publicPackage: Uint8Array;
  /** Encoded private parts (init, HPKE and signature keys). Deleted once a Welcome consumed it. */
  privatePackage: Uint8Array;
  lastResort: boolean;
  createdAt: number;
}

export type MessageDirection = 'in' | 'out';

export interface MessageRecord {
  /** Stable id: hex of a hash of the MLS message, so the same message stored twice dedupes. */
  id: string;
  groupId: string;
  /** Sender's identity public key, hex. */
  sender: string;
  direction: MessageDirection;
  text: string;
  epoch: bigint;
  sentAt: number;
  receivedAt: number;
  /**
   * 'text' (the default) for a chat message; 'dropped' for an incoming message that can never be read,
   * kept so the loss is visible: `text` then holds the error code and `sender` may be empty.
   * 'membership' for a join, add, removal, leave or key update (`text` holds its JSON description,
   * client/membershipTimeline.ts; `sender` is the member who made the change).
   */
  kind?: MessageKind;
}

export type MessageKind = 'text' | 'dropped' | 'membership';

/** How a stored `kind` column reads back: anything unknown is a chat message. */
export function messageKindOf(value: string): MessageKind {
  return value === 'dropped' || value === 'membership' ? value : 'text';
}

export interface IdentityRepository {
  load(): IdentityRecord | undefined;
  save(identity: IdentityRecord): void;
}

export interface GroupRepository {
  get(groupId: string): GroupRecord | undefined;
  list(): GroupRecord[];
  /** Insert or replace the whole record. */
  save(group: GroupRecord): void;
  delete(groupId: string): void;
}

export interface KeyPackageRepository {
  put(record: KeyPackageRecord): void;
  get(ref: string): KeyPackageRecord | undefined;
  list(): KeyPackageRecord[];
  delete(ref: string): void;
  count(): number;
}

/** `beforeId` wins over `beforeReceivedAt`: the messages stored before that one (none when unknown). */
export interface MessageListOptions {
  limit?: number;
  beforeReceivedAt?: number;
  beforeId?: string;
}

export interface MessageRepository {
  /** Returns false when a message with this id is already stored (dedupe). */
  append(message: MessageRecord): boolean;
  /** The newest `limit` messages (all when absent) of a group before the cursor, oldest first. */
  list(groupId: string, options?: MessageListOptions): MessageRecord[];
  /**
   * The group's membership entries (kind `membership`) in the order they were stored, from the message
   * `fromId` on (all when absent or unknown).
   */
  listMembership(groupId: string, options?: { fromId?: string }): MessageRecord[];
  count(groupId?: string): number;
}

/** Which key protects the profile database: the OS keychain or a passphrase the user types. */
export type StoreKeySource = 'keychain' | 'passphrase' | 'raw';

export interface ProfileStore {
  readonly identity: IdentityRepository;
  readonly groups: GroupRepository;
  readonly keyPackages: KeyPackageRepository;
  readonly messages: MessageRepository;
  readonly keySource: StoreKeySource;
  /** Runs fn in one database transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

/** Small named values of the profile: the server address, the session token, the queue cursor. */
export interface SettingsRepository {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
}

/** Trust-on-first-use pins: "host:port" -> SHA-256 (hex) of the server's leaf certificate. */
export interface ServerPinRepository {
  get(server: string): string | undefined;
  set(server: string, certificateSha256: string, pinnedAt: number): void;
  delete(server: string): boolean;
}

export interface OutboxEntry {
  /** The logical message's client_message_id (16 bytes, hex): reused on every retry. */
  id: string;
  groupId: string;
  /** The application content to encrypt when it goes out (plaintext, inside the encrypted store). */
  payload: Uint8Array;
  createdAt: number;
  attempts: number;
}

/** Messages written while offline, oldest first; an entry leaves only once the server accepted it. */
export interface OutboxRepository {
  put(entry: OutboxEntry): void;
  list(): OutboxEntry[];
  delete(id: string): void;
  recordAttempt(id: string): void;
  count(): number;
}

export interface ContactRecord {
  /** Identity public key, hex. */
  identityKey: string;
  username: string | null;
  verifiedFingerprint: string | null;
  verifiedAt: number | null;
}

export interface ContactRepository {
  get(identityKey: string): ContactRecord | undefined;
  /** Insert or update the username; a verification already recorded is kept. */
  saveUsername(identityKey: string, username: string): void;
  markVerified(identityKey: string, fingerprint: string, at: number): void;
}

export interface InboxEntry {
  /** Insertion order of the messages table: a cursor that never goes backwards. */
  seq: number;
  message: MessageRecord;
}

/**
 * Received messages and every membership change (ours too) in arrival order, for consumers that remember
 * how far they read (qpc receive).
 */
export interface InboxRepository {
  after(seq: number, limit: number): InboxEntry[];
}

/**
 * Our own commit, staged (not merged) until the server accepts it; at most one per group. Stage
 * 'commit': `commitMessage` and `stagedState` wait for the server's answer to the Enqueue under
 * `clientMessageId` (the same id on every retry, so a repeat is answered from the server's receipt).
 * Stage 'welcome': the commit is merged; the sealed Welcome still has to reach the new member.
 */
export interface PendingCommitRecord {
  groupId: string;
  stage: 'commit' | 'welcome';
  /** 16 bytes, hex. */
  clientMessageId: string;
  /** The epoch the commit leaves (the one the server orders commits by). */
  epoch: bigint;
  commitMessage?: Uint8Array;
  /** ts-mls encodeGroupState of the staged state: holds private keys. */
  stagedState?: Uint8Array;
  welcomeMessageId?: string;
  welcomeRecipient?: Uint8Array;
  /** The padded hybrid envelope holding the Welcome bundle, ready to enqueue. */
  welcomePayload?: Uint8Array;
  createdAt: number;
}

export interface PendingCommitRepository {
  get(groupId: string): PendingCommitRecord | undefined;
  list(): PendingCommitRecord[];
  /** Insert or replace the group's record. */
  put(record: PendingCommitRecord): void;
  delete(groupId: string): void;
}

/** An incoming message that cannot be processed yet (an epoch we have not reached, a group not joined). */
export interface HeldIncomingRecord {
  seq: number;
  groupId: string;
  /** Arrived sealed (sender checks apply once processed). */
  sealed: boolean;
  /** The unpadded MLS message. */
  payload: Uint8Array;
  /** Why it waits (MLS_FUTURE_EPOCH, CLIENT_UNKNOWN_GROUP). */
  code: string;
  heldAt: number;
}

export interface HeldIncomingRepository {
  add(record: Omit<HeldIncomingRecord, 'seq'>): number;
  /** Oldest first. */
  listForGroup(groupId: string): HeldIncomingRecord[];
  /** Oldest first, every group. */
  list(limit?: number): HeldIncomingRecord[];
  delete(seq: number): void;
  count(): number;
}

/** How far each group has been read (the TUI's unread counts and "new messages" line). */
export interface ReadMarkerRepository {
  /** Everything the group holds now counts as read. */
  markRead(groupId: string, at: number): void;
  /** Received messages after each group's marker; groups with none are absent. */
  unreadCounts(): Map<string, number>;
  /** When each group last got a message (received_at), for ordering groups by activity. */
  lastMessageAt(): Map<string, number>;
}

/** A server's signed proof that it stored one copy of a message we sent (DeliveryReceipt bytes). */
export interface StoredDeliveryProof {
  messageId: string;
  /** The recipient's identity key, hex. */
  recipient: string;
  /** The encoded qpc.v1.DeliveryReceipt, byte for byte as the server sent it. */
  receipt: Uint8Array;
  storedAt: number;
}

/** A server signing key as published in Ping: current (retiredAt 0) or retired. */
export interface KnownSigningKey {
  /** 8 bytes, hex. */
  keyId: string;
  publicKey: Uint8Array;
  retiredAt: number;
}

export interface DeliveryProofRepository {
  put(proof: StoredDeliveryProof): void;
  /** The proofs of one message, by recipient. */
  list(messageId: string): StoredDeliveryProof[];
  /** The ids among `messageIds` that have at least one proof. */
  proven(messageIds: readonly string[]): Set<string>;
  /** Insert or update published keys; a key once seen is never forgotten (old proofs need it). */
  saveKeys(keys: readonly KnownSigningKey[], at: number): void;
  keys(): KnownSigningKey[];
}

/**
 * What the client knows and decided about one contact's identity key (privacy/trust.ts holds the rules).
 * Keys are lower-case hex of the 32-byte Ed25519 identity key.
 */
export interface ContactTrustRecord {
  /** The key the user has accepted for this username (first seen, verified or acknowledged), hex. */
  identityKey: string;
  username: string;
  /** fingerprintOf(key).hex of the key the user verified; absent when never verified (or reset). */
  verifiedFingerprint?: string;
  verifiedAt?: number;
  /** The key most recently observed for this username (directory, KeyPackage or MLS credential), hex. */
  lastSeenKey: string;
  /** When lastSeenKey last moved away from a previous key. */
  keyChangedAt?: number;
  /** False while a key change awaits the user's acknowledgement; true once acknowledged. */
  acknowledged?: boolean;
  /** The last key change came with a rotation statement signed by the key the user had verified. */
  rotatedByOwner?: boolean;
}

export interface ContactTrustRepository {
  get(username: string): ContactTrustRecord | undefined;
  /** Every record, by username. */
  list(): ContactTrustRecord[];
  /** Insert or replace the record of `record.username`. */
  save(record: ContactTrustRecord): void;
}

/** Sealed-sender access keys other members shared with us, by their identity key (hex). */
export interface PeerAccessKeyRepository {
  /** A copy: the caller wipes it. */
  get(identityKey: string): Uint8Array | undefined;
  save(identityKey: string, accessKey: Uint8Array, learnedAt: number): void;
  delete(identityKey: string): void;
}

/** Per group: when our leaf keys were last refreshed and how much we sent since. */
export interface SelfUpdateState {
  lastUpdateAt: number;
  messagesSinceUpdate: number;
}

export interface SelfUpdateStateRepository {
  get(groupId: string): SelfUpdateState | undefined;
  save(groupId: string, state: SelfUpdateState): void;
  delete(groupId: string): void;
}

/** A hybrid key pair replaced by a rotation, kept for a grace period (encoded as in IdentityRecord). */
export interface RetiredHybridKeyRecord {
  publicKey: Uint8Array;
  /** Secret: the caller wipes it. */
  privateKey: Uint8Array;
  retiredAt: number;
  /** After this instant (ms) the key is deleted. */
  wipeAfter: number;
}

export interface RetiredHybridKeyRepository {
  add(record: RetiredHybridKeyRecord): void;
  /** Newest first. */
  list(): RetiredHybridKeyRecord[];
  /** Deletes every key whose grace period is over; returns how many went. */
  deleteExpired(now: number): number;
}

/** The SQLCipher profile store as the network client needs it: ProfileStore plus the client's own tables. */
export interface ClientProfileStore extends ProfileStore {
  readonly settings: SettingsRepository;
  readonly serverPins: ServerPinRepository;
  readonly outbox: OutboxRepository;
  readonly contacts: ContactRepository;
  readonly inbox: InboxRepository;
  readonly pendingCommits: PendingCommitRepository;
  readonly heldIncoming: HeldIncomingRepository;
  readonly readMarkers: ReadMarkerRepository;
  readonly deliveryProofs: DeliveryProofRepository;
  readonly contactTrust: ContactTrustRepository;
  readonly peerAccessKeys: PeerAccessKeyRepository;
  readonly selfUpdateStates: SelfUpdateStateRepository;
  readonly retiredHybridKeys: RetiredHybridKeyRepository;
}
