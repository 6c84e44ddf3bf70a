/**
 * Verification flows behind `qpc safety-number USER` and `qpc verify USER` (docs/client.md): the
 * contact's key comes from the directory (signed, checked in directory.ts), the safety number from
 * identity/safetyNumber.ts, the trust record from contactTrust.ts.
 */
import { toHex } from '../../lib/bytes.js';
import { NetworkError, ValidationError } from '../../lib/errors.js';
import { EngineErrorCode } from '../engineErrors.js';
import { normalizeUsername } from '../account/opaqueAccount.js';
import { renderSafetyNumberQr, safetyNumberFor } from '../identity/safetyNumber.js';
import type { VerificationState } from '../privacy/trust.js';
import { OWNER_ROTATION_NOTE, verificationStateOf } from '../privacy/trust.js';
import type { ClientContext } from './clientContext.js';
import { acknowledgeContact, observeContactKey, verifyContact } from './contactTrust.js';
import { lookupUsername } from './directory.js';
import { savedSessionToken } from './engineConnection.js';
import { ClientErrorCode } from './clientErrors.js';

export interface SafetyNumberView {
  username: string;
  /** 12 groups of 5 digits; the same on both sides. */
  groups: string[];
  /** Three lines of four groups. */
  display: string;
  /** The QR code of the scannable payload, as UTF-8 text. */
  qr: string;
  verification: VerificationState;
  /** Set when the key in use replaced the verified one under a statement that key signed. */
  note?: string;
}

function requireOnline(context: ClientContext) {
  const connection = context.connection();
  if (connection === undefined || connection.state !== 'online') {
    throw new NetworkError(EngineErrorCode.notConnected, 'verification needs the server directory', {
      hint: 'connect first (check --server and that qpc-server runs)',
    });
  }
  // A lookup needs the session token, but not the session stream: a one-shot command does not take the
  // push stream away from a client of the same profile that is running.
  connection.sessionToken ??= savedSessionToken(context.store, context.mls.clock);
  return connection;
}

async function contactKey(context: ClientContext, usernameInput: string) {
  const username = normalizeUsername(usernameInput);
  const own = context.identity();
  if (username === own.username) {
    throw new ValidationError(ClientErrorCode.verifySelf, 'a safety number is computed with another user');
  }
  const entry = await lookupUsername(requireOnline(context), context.store, username);
  return { username, key: entry.identityPublicKey };
}

export async function safetyNumberWith(
  context: ClientContext,
  usernameInput: string,
): Promise<SafetyNumberView> {
  const { username, key } = await contactKey(context, usernameInput);
  const own = context.identity();
  const record = observeContactKey(context.store, username, toHex(key), context.mls.clock.now());
  const number = safetyNumberFor(
    { identityKey: own.mls.signingPublicKey, username: own.username ?? '' },
    { identityKey: key, username },
  );
  return {
    username,
    groups: number.groups,
    display: number.display,
    qr: await renderSafetyNumberQr(number.qrPayload, 'utf8'),
    verification: verificationStateOf(record),
    ...(record.rotatedByOwner === true ? { note: OWNER_ROTATION_NOTE } : {}),
  };
}

/** Marks the user's current directory key as verified (the caller made sure the numbers matched). */
export async function verifyUser(context: ClientContext, usernameInput: string): Promise<VerificationState> {
  const { username, key } = await contactKey(context, usernameInput);
  const now = context.mls.clock.now();
  const record = verifyContact(context.store, username, toHex(key), now);
  context.store.contacts.markVerified(toHex(key), record.verifiedFingerprint ?? '', now);
  return verificationStateOf(record);
}

/** Accepts a changed key; sending to groups with this user is no longer held. */
export function acknowledgeUser(context: ClientContext, usernameInput: string): VerificationState {
  return verificationStateOf(acknowledgeContact(context.store, normalizeUsername(usernameInput)));
}
