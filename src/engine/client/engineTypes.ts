/**
 * What the engine facade shows the outside (CLI, TUI, bots): plain data and typed events. The shapes
 * match the TUI's EngineApi contract (src/tui/engineApi.ts) field for field, so the TUI can take the
 * engine as it is; they are declared here because the engine never imports the TUI.
 */

/** What a membership timeline entry records (client/membershipTimeline.ts). */
export type MembershipEvent =
  | 'joined'
  | 'added'
  | 'removed'
  | 'left'
  | 'keyUpdated'
  /** Answers to an invite we sent (inviteAnswers.ts), recorded at the inviter only. */
  | 'declined'
  | 'refused'
  /** A member moved to a new identity key with a statement signed by the old one. */
  | 'identityRotated'
  /** A recipient could not open the sealed envelope of a message of ours (sealedReports.ts). */
  | 'unopened';

/** An invite waiting for the person to accept or decline it (see client/pendingInvites.ts). */
export interface PendingInvite {
  readonly id: string;
  readonly groupName: string;
  /** The inviter's identity key, hex. */
  readonly from: string;
  readonly receivedAt: number;
}

export type ConnectionState =
  | { readonly status: 'connecting'; readonly server: string }
  | { readonly status: 'online'; readonly server: string }
  | { readonly status: 'offline'; readonly server: string; readonly reason?: string };

export interface CiphersuiteInfo {
  readonly name: string;
  readonly postQuantum: boolean;
}

export interface GroupSummary {
  readonly id: string;
  readonly name: string;
  readonly unread: number;
  readonly lastActivity: number;
  readonly epoch: bigint;
  readonly ciphersuite: CiphersuiteInfo;
  readonly sealedSender: boolean;
}

/**
 * Of an outgoing message: 'pending' (in the outbox), 'sent' (the server accepted it and a delivery proof
 * it signed verified), 'accepted' (accepted without a proof: sealed sender, or a server that signs none),
 * 'noRecipients' (kept in the history only: the group had no other member, so nothing went to the
 * server), 'failed'. Incoming messages are 'delivered'.
 */
export type DeliveryState = 'pending' | 'sent' | 'accepted' | 'noRecipients' | 'delivered' | 'failed';

export interface ChatMessage {
  readonly id: string;
  readonly groupId: string;
  readonly sender: { readonly username: string; readonly fingerprint: string };
  readonly text: string;
  readonly sentAt: number;
  readonly state: DeliveryState;
  readonly decryptFailed: boolean;
  readonly outgoing: boolean;
  /**
   * Present for a membership entry (a join, add, removal, leave or key update, or, at the inviter, the
   * invitee's answer when it did not join: declined, refused): who did it and to whom, by username; `text` then
   * holds the same as a sentence. `code` says why a client refused an invite.
   */
  readonly membership?: {
    readonly event: MembershipEvent;
    readonly actor: string;
    readonly subjects: readonly string[];
    readonly code?: string;
    /** For 'unopened': the id of our message the recipient could not open, and whether it was re-sealed. */
    readonly messageId?: string;
    readonly resealed?: boolean;
  };
}

export type VerificationState = 'unverified' | 'verified' | 'changed';

export interface GroupMember {
  readonly username: string;
  readonly fingerprint: string;
  readonly verification: VerificationState;
  readonly self: boolean;
}

export interface SelfIdentity {
  readonly username: string;
  readonly fingerprint: string;
  readonly fingerprintGroups: readonly string[];
}

export interface EngineSnapshot {
  readonly connection: ConnectionState;
  readonly groups: readonly GroupSummary[];
}

export type EngineEvent =
  | { readonly type: 'connectionChanged'; readonly connection: ConnectionState }
  | { readonly type: 'groupsChanged'; readonly groups: readonly GroupSummary[] }
  | { readonly type: 'messageReceived'; readonly message: ChatMessage }
  | { readonly type: 'messageSent'; readonly message: ChatMessage }
  | {
      readonly type: 'deliveryStateChanged';
      readonly groupId: string;
      readonly messageId: string;
      readonly state: DeliveryState;
    }
  | { readonly type: 'membersChanged'; readonly groupId: string; readonly members: readonly GroupMember[] }
  | { readonly type: 'groupRemoved'; readonly groupId: string; readonly reason: 'left' | 'removed' }
  /** An invite arrived that waits for consent, or one was accepted or declined: all that now wait. */
  | { readonly type: 'invitesChanged'; readonly invites: readonly PendingInvite[] }
  /**
   * An incoming message that can never be read (bad encoding, failed authentication, a removed sender)
   * was dropped and acknowledged; code says why. A timeline entry records it too (kind 'dropped').
   */
  | { readonly type: 'incomingDropped'; readonly code: string; readonly groupId?: string }
  /**
   * A recipient reported that it could not open the sealed envelope of our message `messageId` (code says
   * why); `resealed`: the same MLS ciphertext went out again to its current key, else the message failed.
   */
  | {
      readonly type: 'sealedUnopened';
      readonly groupId: string;
      readonly messageId: string;
      readonly code: string;
      readonly resealed: boolean;
    }
  /**
   * An incoming message could not be processed for a reason on our side (disk, a bug): it was not
   * acknowledged and is fetched and tried again shortly; code says why.
   */
  | { readonly type: 'incomingDeferred'; readonly code: string }
  /**
   * The server's OPAQUE setup had been replaced (by its operator) since this account registered: the
   * login re-registered the account in place, signed by the identity key. Name, groups and keys stay.
   */
  | { readonly type: 'accountReRegistered' }
  /** A change of ours (invite, kick, key update) lost its epoch to another member's commit: not applied. */
  | { readonly type: 'commitDiscarded'; readonly groupId: string; readonly code: string }
  /**
   * Work the engine started by itself failed (backgroundWork.ts): `task` names it, `code` is the error's
   * stable code (UNEXPECTED for a bug), `message` and `hint` are for a person (may name a server or user).
   */
  | {
      readonly type: 'backgroundFailed';
      readonly task: string;
      readonly code: string;
      readonly message: string;
      readonly hint?: string;
    };

/** A page of history: the newest `limit` messages, or those stored before the message with id `before`. */
export interface LoadMessagesOptions {
  /** A message id; an id the profile does not hold gives an empty page. */
  readonly before?: string;
  readonly limit: number;
}

export interface MessagePage {
  readonly messages: readonly ChatMessage[];
  readonly hasMore: boolean;
}
