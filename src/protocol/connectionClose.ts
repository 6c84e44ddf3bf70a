import { WireErrorCode } from './errorCodes.js';

/**
 * QUIC application error codes the server closes a connection with (CONNECTION_CLOSE, type 0x1d). The
 * reason phrase is `<wire code> retry_after_ms=<n>` in UTF-8, so a client can tell a refusal from a
 * network failure and knows when to come back (docs/protocol.md, "Connection close").
 */
export const ConnectionCloseCode = {
  /** An orderly close: the server stops, or the client is done. */
  Normal: 0,
  /** The address kept sending while refused; its connections are closed and new ones refused for a while. */
  RateLimited: 0x5251,
} as const;

export type ConnectionCloseCode = (typeof ConnectionCloseCode)[keyof typeof ConnectionCloseCode];

/** The reason phrase sent with ConnectionCloseCode.RateLimited. */
export function rateLimitedCloseReason(retryAfterMs: number): Uint8Array {
  return new TextEncoder().encode(`${WireErrorCode.RateLimited} retry_after_ms=${Math.ceil(retryAfterMs)}`);
}

/** Reads a reason phrase of that form back: the wire code and the retry hint, or undefined. */
export function parseCloseReason(
  reason: Uint8Array | undefined,
): { code: string; retryAfterMs: number } | undefined {
  if (reason === undefined) return undefined;
  const match = /^([A-Z_]+) retry_after_ms=(\d+)$/.exec(new TextDecoder().decode(reason));
  if (match === null) return undefined;
  return { code: match[1] ?? '', retryAfterMs: Number(match[2]) };
}
