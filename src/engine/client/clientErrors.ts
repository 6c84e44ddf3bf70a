/**
 * Stable codes of the engine's client flows (groups, commits, incoming, outbox, profile) that are not MLS
 * codes (mls/mlsErrors.ts), storage codes (store/storageErrors.ts), wire codes (protocol/errorCodes.ts) or
 * the facade's (engineErrors.ts, NOT_CONNECTED among them).
 */
export const ClientErrorCode = {
  /** Our commit was sent but the server's answer never came: it is kept and resolved on reconnect. */
  commitPending: 'COMMIT_PENDING',
  /** A kept commit lost to another member's commit for the same epoch: the change did not happen. */
  commitDiscarded: 'COMMIT_DISCARDED',
  /** A message for a group this profile does not hold (held for a while: its Welcome may follow). */
  unknownGroup: 'CLIENT_UNKNOWN_GROUP',
  /** A payload that is not an MLS group message. */
  notGroupMessage: 'CLIENT_NOT_GROUP_MESSAGE',
  /** Too many incoming messages wait for an epoch or a group: the oldest was dropped. */
  heldOverflow: 'CLIENT_HELD_OVERFLOW',
  /** No pending invite has that id or group name. */
  inviteNotFound: 'INVITE_NOT_FOUND',
  /** An invite policy other than all, verified or none. */
  badInvitePolicy: 'BAD_INVITE_POLICY',
  /** No group by that id or name in this profile (or it went away meanwhile). */
  groupNotFound: 'GROUP_NOT_FOUND',
  /** More than one group has that name: name it by id. */
  groupAmbiguous: 'GROUP_AMBIGUOUS',
  /** Inviting someone who is already in the group. */
  alreadyMember: 'ALREADY_MEMBER',
  /** The server handed out a KeyPackage whose identity is not the user asked for. */
  keyPackageWrongUser: 'KEY_PACKAGE_WRONG_USER',
  /** A directory entry whose hybrid key signature does not verify. */
  directoryBadSignature: 'DIRECTORY_BAD_SIGNATURE',
  /** The directory answered for another username than the one asked for. */
  directoryWrongUser: 'DIRECTORY_WRONG_USER',
  /** No valid session for this profile: log in first. */
  notLoggedIn: 'NOT_LOGGED_IN',
  /** Creating or restoring an identity in a profile that already has one. */
  profileHasIdentity: 'PROFILE_HAS_IDENTITY',
  /** No profile in the given directory. */
  profileMissing: 'PROFILE_MISSING',
  /** QPC_STORE_KEY that is not 64 hex digits. */
  badStoreKey: 'BAD_STORE_KEY',
  /** A safety number asked for with oneself. */
  verifySelf: 'VERIFY_SELF',
  /** The directory's hybrid key for a sealed send belongs to another identity. */
  sealedWrongHybridKey: 'SEALED_WRONG_HYBRID_KEY',
  /** An application message whose content is not JSON of a known shape. */
  badContent: 'CLIENT_BAD_CONTENT',
  /** A sealed Welcome that is truncated. */
  badWelcome: 'CLIENT_BAD_WELCOME',
  /** A control payload of an unknown shape. */
  badControl: 'CLIENT_BAD_CONTROL',
  /** A group name longer than a control payload carries. */
  groupNameTooLong: 'CLIENT_GROUP_NAME_TOO_LONG',
  /** An invite notice that is not JSON of the known shape (or too long to send). */
  badInviteNotice: 'CLIENT_BAD_INVITE_NOTICE',
  /** An invite notice that answers no invite we sent to its sender (or one forgotten long ago). */
  inviteNoticeUnknown: 'CLIENT_INVITE_NOTICE_UNKNOWN',
  /** An error that is not one of ours while handling an incoming message: a bug; retried, never dropped. */
  unexpected: 'CLIENT_UNEXPECTED',
} as const;

export type ClientErrorCodeValue = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];
