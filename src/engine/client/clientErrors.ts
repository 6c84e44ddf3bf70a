/**
 * Stable codes of the engine's client flows (commits, incoming, outbox) that are not MLS codes
 * (mls/mlsErrors.ts), storage codes (store/storageErrors.ts) or wire codes (protocol/errorCodes.ts).
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
  /** Changing a group needs the server. */
  notConnected: 'NOT_CONNECTED',
} as const;

export type ClientErrorCodeValue = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];
