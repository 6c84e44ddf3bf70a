/**
 * Codes the engine facade raises or reports itself, and those of features without a list of their own
 * (account, net, crypto). Feature lists live beside their feature (mls/mlsErrors.ts, client/clientErrors.ts,
 * store/storageErrors.ts...); errorRegistry.ts gathers them all (docs/architecture.md, "Errors").
 */
export const EngineErrorCode = {
  /**
   * No server connection, in one sense only: the engine has no live QUIC connection to the server (never
   * connected, closed, or lost and not back yet). Always a NetworkError (exit 4 in the CLI).
   */
  notConnected: 'NOT_CONNECTED',
  /** An account operation on a profile that has no account yet. */
  notRegistered: 'NOT_REGISTERED',
  /** The profile was made before recovery words were kept, so they cannot be shown again. */
  recoveryWordsNotKept: 'RECOVERY_WORDS_NOT_KEPT',
  /** The connection came back but the session stream could not be reopened (the reason was reported). */
  sessionNotReopened: 'SESSION_NOT_REOPENED',
  /** An operation that needs a server, on a profile that has none saved. */
  noServer: 'NO_SERVER',
  /** Registering a profile whose identity is already registered. */
  alreadyRegistered: 'ALREADY_REGISTERED',
  /** An operation that needs the profile's identity, before it has one. */
  noIdentity: 'NO_IDENTITY',
  /** A login or restore for another username than the profile's. */
  wrongProfile: 'WRONG_PROFILE',
  /** Recovery words that do not derive the identity key registered for the username. */
  recoveryWordsMismatch: 'RECOVERY_WORDS_MISMATCH',
  /** An empty group name. */
  badGroupName: 'BAD_GROUP_NAME',
  /** Removing someone who is not in the group. */
  notAMember: 'NOT_A_MEMBER',
  /** A username that breaks the username pattern (account). */
  badUsername: 'BAD_USERNAME',
  /** A server address that is not HOST:PORT (net). */
  badServerAddress: 'BAD_SERVER_ADDRESS',
  /** The server shows another certificate than the one pinned for it (net). */
  serverCertChanged: 'SERVER_CERT_CHANGED',
  /** The QUIC connection could not be made (net). */
  serverUnreachable: 'SERVER_UNREACHABLE',
  /** The connection broke during a request, or was lost (a connection status reason) (net). */
  connectionLost: 'CONNECTION_LOST',
  /** The server closed the session (push) stream (net). */
  sessionClosed: 'SESSION_CLOSED',
  /** The connection was closed by us (a connection status reason) (net). */
  closed: 'CLOSED',
  /** The call stream ended (the server or the connection closed it) while calls were waiting (net). */
  callStreamClosed: 'CALL_STREAM_CLOSED',
  /** A call on a call stream reused a request id still in flight: a bug in the caller. */
  duplicateRequestId: 'DUPLICATE_REQUEST_ID',
  /** Connecting failed with an error that has no code of its own (a connection status reason) (net). */
  connectFailed: 'CONNECT_FAILED',
  /** The server did not answer a request in time (net). */
  requestTimeout: 'REQUEST_TIMEOUT',
  /** A hybrid (X25519 + ML-KEM-768) public or private key of the wrong length (crypto). */
  hybridKeyBadLength: 'HYBRID_KEY_BAD_LENGTH',
  /** A hybrid key seed of the wrong length (crypto). */
  hybridSeedBadLength: 'HYBRID_SEED_BAD_LENGTH',
  /** A delivery proof from the server does not verify (signature, key, recipient or envelope). */
  deliveryProofInvalid: 'DELIVERY_PROOF_INVALID',
  /** `qpc proof` for a message that has no stored delivery proof. */
  noDeliveryProof: 'NO_DELIVERY_PROOF',
  /** The server stopped answering (nothing heard for seconds of our active time): the connection was dropped. */
  serverSilent: 'SERVER_SILENT',
} as const;
