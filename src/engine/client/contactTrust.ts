/**
 * Contact trust, persisted (docs/client.md): privacy/trust.ts holds the rules (signal-cli's model),
 * this file keeps one ContactTrustRecord per username in the profile and applies the rules where the
 * client sees keys: a group's members before a send, the directory at `qpc verify`.
 *
 * Storage: the profile's contact_trust table, one row per username (a trust record follows a username
 * across key changes, while the contacts table is keyed by identity key), inside the encrypted store.
 */
import { toHex } from '../../lib/bytes.js';
import { ConflictError } from '../../lib/errors.js';
import type { RotationStatement } from '../identity/rotationStatement.js';
import {
  acceptOwnerRotation,
  acknowledgeChange,
  markVerified,
  newContact,
  observeKey,
  sendHoldFor,
  verificationStateOf,
  type ContactTrustRecord,
  type VerificationState,
} from '../privacy/trust.js';
import type { ClientProfileStore } from '../store/types.js';

export const SEND_HELD_KEY_CHANGED = 'SEND_HELD_KEY_CHANGED';

/** A send refused because a verified member's key changed and the change is not acknowledged yet. */
export class SendHeldError extends ConflictError {
  constructor(readonly usernames: readonly string[]) {
    const first = usernames[0] ?? 'USER';
    super(
      SEND_HELD_KEY_CHANGED,
      `sending is held: the identity key of ${usernames.join(', ')} changed since you verified it`,
      { hint: `compare safety numbers again, then run: qpc verify ${first} --acknowledge` },
    );
  }
}

export function loadTrust(store: ClientProfileStore, username: string): ContactTrustRecord | undefined {
  return store.contactTrust.get(username);
}

export function saveTrust(store: ClientProfileStore, record: ContactTrustRecord): void {
  store.contactTrust.save(record);
}

export function allTrust(store: ClientProfileStore): ContactTrustRecord[] {
  return store.contactTrust.list();
}

/** A key seen for `username` (directory or group membership): recorded, the rules of trust.ts applied. */
export function observeContactKey(
  store: ClientProfileStore,
  username: string,
  keyHex: string,
  now: number,
): ContactTrustRecord {
  const known = loadTrust(store, username);
  const next = known === undefined ? newContact(username, keyHex) : observeKey(known, keyHex, now);
  if (next !== known) saveTrust(store, next);
  return next;
}

/** Records that the user compared the safety number of `username` at key `keyHex` and it matched. */
export function verifyContact(
  store: ClientProfileStore,
  username: string,
  keyHex: string,
  now: number,
): ContactTrustRecord {
  const seen = observeContactKey(store, username, keyHex, now);
  const verified = markVerified(seen, keyHex, now);
  saveTrust(store, verified);
  return verified;
}

/**
 * `statement` says the contact moved to a new identity key, signed by the old and the new key. Accepted
 * when the old key is the one we hold for them (typed errors otherwise); unknown contacts get a record.
 */
export function acceptContactRotation(
  store: ClientProfileStore,
  statement: RotationStatement,
  now: number,
): ContactTrustRecord {
  const known =
    loadTrust(store, statement.username) ?? newContact(statement.username, toHex(statement.previousKey));
  const next = acceptOwnerRotation(known, statement, now);
  store.transaction(() => {
    saveTrust(store, next);
    store.contacts.saveUsername(next.identityKey, statement.username);
  });
  return next;
}

/** The user accepts `username`'s changed key (unverified from now on). */
export function acknowledgeContact(store: ClientProfileStore, username: string): ContactTrustRecord {
  const known = loadTrust(store, username);
  const next = acknowledgeChange(known ?? newContact(username, '0'.repeat(64)));
  saveTrust(store, next);
  return next;
}

/** The verification state of a member key: by the trust record of the username the key is known under. */
export function verificationOfKey(store: ClientProfileStore, keyHex: string): VerificationState | undefined {
  const username = store.contacts.get(keyHex)?.username;
  if (username === null || username === undefined) return undefined;
  const record = loadTrust(store, username);
  if (record === undefined || record.lastSeenKey !== keyHex) return undefined;
  return verificationStateOf(record);
}

/**
 * Before a send: every member key is observed under its known username (so a verified contact who now
 * appears with another key turns "changed"), then the send is refused while any member is changed.
 */
export function assertSendAllowed(
  store: ClientProfileStore,
  memberKeysHex: readonly string[],
  now: number,
): void {
  for (const keyHex of memberKeysHex) {
    const username = store.contacts.get(keyHex)?.username;
    if (username !== null && username !== undefined && loadTrust(store, username) !== undefined) {
      observeContactKey(store, username, keyHex, now);
    }
  }
  const hold = sendHoldFor(memberKeysHex, allTrust(store));
  if (hold.held) throw new SendHeldError(hold.members.map((member) => member.username));
}
