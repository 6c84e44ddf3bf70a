/**
 * Invites waiting for consent. A Welcome from an inviter the policy does not trust to add us at once is
 * kept (still sealed to our hybrid key) until the person accepts it (we join then) or declines it (it is
 * deleted, and the inviter is told by an invite notice: inviteNotices.ts; its client then removes us
 * from the group, which the invite's commit had already added us to). Policy, in the profile's settings: 'all' joins every invite at once (the default, as before
 * consent existed), 'verified' joins at once only when the inviter's fingerprint is verified, 'none'
 * keeps every invite for a decision.
 */
import { randomBytes } from 'node:crypto';
import { fromHex, toHex } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import type { ClientContext } from './clientContext.js';
import type { PendingInvite } from './engineTypes.js';
import { ClientErrorCode } from './clientErrors.js';
import { verificationOfKey } from './contactTrust.js';
import { fingerprintOf } from '../identity/index.js';

export type InvitePolicy = 'all' | 'verified' | 'none';
export const INVITE_POLICIES: readonly InvitePolicy[] = ['all', 'verified', 'none'];
export const DEFAULT_INVITE_POLICY: InvitePolicy = 'all';

/** At most this many invites wait; a further one replaces the oldest. */
export const MAX_PENDING_INVITES = 50;

const POLICY_KEY = 'invites.autoAccept';
const PENDING_KEY = 'invites.pending';

interface StoredInvite {
  id: string;
  /** The inviter's identity key, hex. */
  from: string;
  groupName: string;
  /** The Welcome as it arrived (hybrid envelope to us), hex. */
  payload: string;
  receivedAt: number;
}

export function invitePolicy(context: ClientContext): InvitePolicy {
  const value = context.store.settings.get(POLICY_KEY);
  return INVITE_POLICIES.find((policy) => policy === value) ?? DEFAULT_INVITE_POLICY;
}

export function setInvitePolicy(context: ClientContext, policy: InvitePolicy): void {
  if (!INVITE_POLICIES.includes(policy)) {
    throw new ValidationError(
      ClientErrorCode.badInvitePolicy,
      `invite policy must be one of ${INVITE_POLICIES.join(', ')}`,
    );
  }
  context.store.settings.set(POLICY_KEY, policy);
}

/** Whether an invite from `inviter` joins without asking, under the profile's policy. */
export function joinsAtOnce(context: ClientContext, inviter: Uint8Array): boolean {
  const policy = invitePolicy(context);
  if (policy === 'all') return true;
  if (policy === 'none') return false;
  const hex = toHex(inviter);
  const trusted = verificationOfKey(context.store, hex);
  if (trusted !== undefined) return trusted === 'verified';
  return context.store.contacts.get(hex)?.verifiedFingerprint === fingerprintOf(inviter).hex;
}

function readAll(context: ClientContext): StoredInvite[] {
  const raw = context.store.settings.get(PENDING_KEY);
  if (raw === undefined) return [];
  return JSON.parse(raw) as StoredInvite[];
}

function writeAll(context: ClientContext, invites: StoredInvite[]): void {
  context.store.settings.set(PENDING_KEY, JSON.stringify(invites));
}

export function listInvites(context: ClientContext): PendingInvite[] {
  return readAll(context).map(({ id, from, groupName, receivedAt }) => ({ id, from, groupName, receivedAt }));
}

/** Keeps an invite for a decision; returns its id. */
export function keepInvite(
  context: ClientContext,
  invite: { from: Uint8Array; groupName: string; payload: Uint8Array },
): string {
  const id = toHex(new Uint8Array(randomBytes(8)));
  const invites = readAll(context);
  invites.push({
    id,
    from: toHex(invite.from),
    groupName: invite.groupName,
    payload: toHex(invite.payload),
    receivedAt: context.mls.clock.now(),
  });
  writeAll(context, invites.slice(-MAX_PENDING_INVITES));
  return id;
}

/** The invite by id or by its group name (when one matches), or a ValidationError saying so. */
export function findInvite(context: ClientContext, reference: string): StoredInvite & { bytes: Uint8Array } {
  const invites = readAll(context);
  const byId = invites.find((invite) => invite.id === reference);
  const byName = invites.filter((invite) => invite.groupName === reference);
  const found = byId ?? (byName.length === 1 ? byName[0] : undefined);
  if (found === undefined) {
    throw new ValidationError(
      ClientErrorCode.inviteNotFound,
      `no pending invite "${reference}"; \`qpc group invites\` lists them (by id when names repeat)`,
    );
  }
  return { ...found, bytes: fromHex(found.payload) };
}

export function forgetInvite(context: ClientContext, id: string): void {
  writeAll(
    context,
    readAll(context).filter((invite) => invite.id !== id),
  );
}
