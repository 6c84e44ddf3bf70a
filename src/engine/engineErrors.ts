/**
 * Codes the engine facade raises or reports itself (others live beside their feature: storageErrors.ts,
 * mlsErrors.ts, identity/errors.ts, the wire's in protocol/errorCodes.ts).
 */
export const EngineErrorCode = {
  /**
   * No server connection, in one sense only: the engine has no live QUIC connection to the server (never
   * connected, closed, or lost and not back yet). Always a NetworkError (exit 4 in the CLI).
   */
  notConnected: 'NOT_CONNECTED',
  /** The connection came back but the session stream could not be reopened (the reason was reported). */
  sessionNotReopened: 'SESSION_NOT_REOPENED',
  /** The server stopped answering (nothing heard for seconds of our active time): the connection was dropped. */
  serverSilent: 'SERVER_SILENT',
} as const;
