/**
 * Pinned certificates that change with the server's word for it. A client pins the server's certificate
 * and, over that pinned connection, its signing keys (trust on first use, both). When the server later
 * shows another certificate, the handshake is let through, nothing but a Ping is sent, and the Ping's
 * certificate announcements must lead, signed by a key already trusted, from the pinned certificate to
 * the one shown (docs/protocol.md "Certificate change announcements"). Then the pin moves; otherwise
 * the connection is closed with the pin error, as before.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  certificateChangeVerifies,
  decodeResponse,
  decodeResponseBody,
  encodeCall,
  Method,
  type ResponseBody,
  type SigningKey,
} from '../../protocol/index.js';
import { NetworkError } from '../../lib/errors.js';
import { EngineErrorCode } from '../engineErrors.js';
import { errorFromWire } from './wireErrors.js';
import { pinMismatchError, type PinDecision, type QuicTransport } from './quicTransport.js';

/** The server's signing keys this profile learned over pinned connections. */
export interface TrustedSigningKeys {
  known(): SigningKey[];
  learn(keys: readonly SigningKey[]): void;
}

export interface PinAccess {
  get(server: string): string | undefined;
  set(server: string, certificateSha256: string): void;
}

/** How long the Ping that carries the announcements may take before the change counts as unproven. */
const ANNOUNCEMENT_TIMEOUT_MS = 10_000;

/**
 * The TLS-time decision: the pinned certificate (or none yet) goes through; another one goes through only
 * when keys are known to check an announcement with, and is settled by settleCertificate before use.
 */
export function pinDecision(
  pinned: string | undefined,
  presented: string,
  keys: TrustedSigningKeys | undefined,
): PinDecision {
  if (pinned === undefined || pinned === presented) return 'accept';
  return keys !== undefined && keys.known().length > 0 ? 'accept' : 'reject';
}

/**
 * After the handshake: pin on first use, learn the signing keys when none are known yet, or move the
 * pin along a verified announcement. Throws the pin error (after closing the transport) when the
 * certificate changed without one.
 */
export async function settleCertificate(
  transport: QuicTransport,
  input: {
    server: string;
    host: string;
    port: number;
    pins: PinAccess;
    keys: TrustedSigningKeys | undefined;
  },
): Promise<void> {
  const { pins, keys, server } = input;
  const pinned = pins.get(server);
  const presented = transport.serverCertSha256;
  if (pinned === undefined || pinned === presented) {
    if (pinned === undefined) pins.set(server, presented);
    // At first use always (after a repin the keys known are another server's), later while none are known.
    if (keys !== undefined && (pinned === undefined || keys.known().length === 0)) {
      try {
        keys.learn((await ping(transport)).signingKeys);
      } catch {
        // Learning the keys is a side task of connecting: the next connection asks again.
      }
    }
    return;
  }
  let answer: ResponseBody<typeof Method.Ping> | undefined;
  try {
    answer = await ping(transport);
  } catch {
    // A server that cannot show its announcements has proven nothing: refused below like any other.
    answer = undefined;
  }
  const trusted = keys?.known() ?? [];
  if (
    answer !== undefined &&
    certificateChangeVerifies(pinned, presented, answer.certificateAnnouncements, trusted)
  ) {
    pins.set(server, presented);
    keys?.learn(answer.signingKeys);
    return;
  }
  // Closing a connection we refuse; a failure to close changes nothing.
  await transport.close().catch(() => undefined);
  throw pinMismatchError(input.host, input.port, presented);
}

/** A Ping without session or bearer token: nothing of the user goes to a server not yet trusted. */
async function ping(transport: QuicTransport): Promise<ResponseBody<typeof Method.Ping>> {
  const abort = new AbortController();
  const timeout = delay(ANNOUNCEMENT_TIMEOUT_MS, undefined, { signal: abort.signal, ref: false }).then(() => {
    throw new NetworkError(EngineErrorCode.requestTimeout, 'the server did not answer Ping');
  });
  // Safe: the race below consumes the timeout's rejection when it wins; this handler only keeps the
  // rejection from being reported as unhandled when the answer wins or the abort in `finally` ends the delay.
  timeout.catch(() => undefined);
  try {
    const response = decodeResponse(
      await Promise.race([transport.request(encodeCall(Method.Ping, 1, {})), timeout]),
    );
    if (!response.ok) throw errorFromWire(response.error);
    return decodeResponseBody(Method.Ping, response.body);
  } finally {
    abort.abort();
  }
}
