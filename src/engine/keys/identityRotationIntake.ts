/**
 * A member rotated its identity key (the commit and its statement were checked by the MLS layer,
 * mls/identityResyncCheck.ts): the contact's trust record follows the new key on the old key's word
 * (privacy/trust.ts acceptOwnerRotation), and the timeline says who vouched for it.
 */
import { toHex } from '../../lib/bytes.js';
import type { ClientContext } from '../client/clientContext.js';
import { acceptContactRotation, loadTrust } from '../client/contactTrust.js';
import type { RotationStatement } from '../identity/rotationStatement.js';
import { OWNER_ROTATION_NOTE, verificationStateOf } from '../privacy/trust.js';

/**
 * Called once the rotation commit is applied, with its links oldest first (each was verified by the MLS
 * layer, and each starts from the key the one before introduced): the trust record follows them one by
 * one, so a contact we knew under key0 reaches key2 through key1. Never throws: the group moved on.
 */
export function applyPeerRotation(context: ClientContext, chain: readonly RotationStatement[]): void {
  for (const link of chain) applyLink(context, link);
}

function applyLink(context: ClientContext, statement: RotationStatement): void {
  const { store } = context;
  const knownName = store.contacts.get(toHex(statement.previousKey))?.username;
  // The username inside the statement is the old key's own claim: it is trusted only when it is the
  // name we already know that key by. Otherwise the new key gets its name from the directory, as any
  // new member does, and a verified contact of that name sees "key changed".
  if (knownName === null || knownName === undefined || knownName !== statement.username) return;
  try {
    acceptContactRotation(store, statement, context.mls.clock.now());
  } catch (error) {
    // The statement is not signed by the key we accepted for this name (we verified another key): the
    // trust rules then treat the new key as an unexplained change, which holds sends and says so.
    void error;
  }
}

/** The timeline sentence of a rotation: owner-signed and verified, or owner-signed only. */
export function rotationSentence(context: ClientContext, actorName: string, newKeyHex: string): string {
  const username = context.store.contacts.get(newKeyHex)?.username;
  const record = username === null || username === undefined ? undefined : loadTrust(context.store, username);
  const verified =
    record !== undefined && record.rotatedByOwner === true && verificationStateOf(record) === 'verified';
  return verified
    ? `${actorName}: ${OWNER_ROTATION_NOTE}`
    : `${actorName} rotated their identity key (signed by their previous key)`;
}
