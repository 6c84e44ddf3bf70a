/**
 * Our own commits, kept on disk from staging until the server has decided (stage, send, then merge).
 * A pending record holds the commit, the staged state and a client_message_id that every resend
 * reuses: the server answers a repeated id from its receipt, so a resend after a lost answer (a crash,
 * a dead server, a broken connection) learns the first outcome instead of guessing. Accepted: the
 * staged state is merged and, for an invite, the record turns into a pending Welcome. Conflict (another
 * member's commit won the epoch): the record is discarded. No answer: the record stays and is resolved
 * at the next connection, however long that takes.
 */
import { membershipChanges, membershipEntryId, recordMembership } from './membershipTimeline.js';
import { addedEntryId, keepCommitProofs } from '../proofs/commitProofs.js';
import { announceMembership } from './views.js';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromHex, toHex } from '../../lib/bytes.js';
import { ConflictError, NetworkError, QpcError, RateLimitError } from '../../lib/errors.js';
import { Method, WireErrorCode, type DeliveryReceipt, type RequestBodyInit } from '../../protocol/index.js';
import { decodeHybridPublicKey } from '../crypto/hybridKeys.js';
import { sealHybridEnvelope } from '../crypto/hybridEnvelope.js';
import type { CommitChange } from '../mls/groupTypes.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { padToBucket } from '../privacy/padding.js';
import type { PendingCommitRecord } from '../store/types.js';
import { ClientErrorCode } from './clientErrors.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { encodeWelcomeBundle, WELCOME_ENVELOPE_AAD } from './payloads.js';
import { rememberSentInvite } from './inviteAnswers.js';

/** Quick resends on one connection before the record is left for the next connection. */
const ENQUEUE_NETWORK_ATTEMPTS = 3;

/**
 * Test seams at the two points where a crash leaves a pending record behind. A hook that throws stops
 * the flow right there, as a killed process would; a NetworkError thrown by `afterAccepted` looks like
 * an answer lost on the wire.
 */
export interface CommitHooks {
  /** The pending record is on disk; the commit has not been sent. */
  afterStaged?(groupId: string): Promise<void> | void;
  /** The server accepted the commit; it is not merged yet. */
  afterAccepted?(groupId: string): Promise<void> | void;
}

export interface Invitee {
  identityKey: Uint8Array;
  /** Encoded hybrid public key (the Welcome is sealed to it). */
  hybridPublicKey: Uint8Array;
  groupName: string;
}

export type PendingOutcome = 'merged' | 'conflict';

/** Stages `change` on the group's session and stores it as a pending record (nothing sent yet). */
export async function stagePendingCommit(
  context: ClientContext,
  groupId: string,
  change: CommitChange,
  invitee?: Invitee,
): Promise<PendingCommitRecord> {
  const session = await context.groups.session(groupId);
  const staged = await session.stageCommit(change);
  const record: PendingCommitRecord = {
    groupId,
    stage: 'commit',
    clientMessageId: toHex(new Uint8Array(randomBytes(16))),
    epoch: staged.epoch,
    commitMessage: staged.commit,
    stagedState: staged.stagedState,
    createdAt: context.mls.clock.now(),
  };
  if (invitee !== undefined && staged.welcome !== undefined) {
    record.welcomeMessageId = toHex(new Uint8Array(randomBytes(16)));
    record.welcomeRecipient = invitee.identityKey;
    record.welcomePayload = padToBucket(
      sealHybridEnvelope(
        decodeHybridPublicKey(invitee.hybridPublicKey),
        encodeWelcomeBundle(invitee.groupName, staged.welcome),
        WELCOME_ENVELOPE_AAD,
      ),
    );
  }
  context.store.pendingCommits.put(record);
  await context.commitHooks?.afterStaged?.(groupId);
  return record;
}

/**
 * Takes a pending record as far as it goes now: sends the commit (same id as every earlier attempt),
 * merges it once accepted, then sends the Welcome. Returns 'conflict' when the commit lost its epoch
 * (the record is gone). Throws COMMIT_PENDING (a NetworkError) when the server's answer is missing:
 * the record stays for the next connection. A Welcome the server refuses with RATE_LIMITED (it did
 * nothing) stays pending and is sent again after the server's retry-after: with `deferWelcome` the
 * commit counts as 'merged' (the invite is done, its Welcome follows); without it the RateLimitError
 * is thrown, since a new commit of this group would replace the record that holds the Welcome.
 */
export async function resolvePendingCommit(
  context: ClientContext,
  connection: ServerConnection,
  pending: PendingCommitRecord,
  deferWelcome = true,
): Promise<PendingOutcome> {
  let record = pending;
  if (record.stage === 'commit') {
    const outcome = await sendAndMerge(context, connection, record);
    if (outcome === 'conflict') return outcome;
    const after = context.store.pendingCommits.get(record.groupId);
    if (after === undefined) return 'merged';
    record = after;
  }
  if (
    record.welcomeRecipient === undefined ||
    record.welcomePayload === undefined ||
    record.welcomeMessageId === undefined
  ) {
    context.store.pendingCommits.delete(record.groupId);
    return 'merged';
  }
  // Before it leaves: the invitee's answer names this Welcome (inviteAnswers.ts).
  rememberSentInvite(context, {
    groupId: record.groupId,
    invitee: record.welcomeRecipient,
    payload: record.welcomePayload,
  });
  try {
    const receipts = await enqueueWithRetry(connection, {
      recipientIdentityKeys: [record.welcomeRecipient],
      payload: record.welcomePayload,
      clientMessageId: fromHex(record.welcomeMessageId),
    });
    await keepCommitProofs(context, {
      groupId: record.groupId,
      entryIds: [addedEntryId(record.groupId, record.epoch + 1n)],
      recipients: [record.welcomeRecipient],
      payload: record.welcomePayload,
      receipts,
    });
  } catch (error) {
    if (!(error instanceof RateLimitError))
      throw settleFailure(context, record.groupId, error, 'the Welcome');
    context.retryPendingCommits?.(error.retryAfterMs);
    if (deferWelcome) return 'merged';
    throw error;
  }
  context.store.pendingCommits.delete(record.groupId);
  return 'merged';
}

async function sendAndMerge(
  context: ClientContext,
  connection: ServerConnection,
  record: PendingCommitRecord,
): Promise<PendingOutcome> {
  const { groupId } = record;
  if (
    !context.groups.has(groupId) ||
    record.commitMessage === undefined ||
    record.stagedState === undefined
  ) {
    context.store.pendingCommits.delete(groupId);
    return 'conflict';
  }
  const session = await context.groups.session(groupId);
  if (session.info().epoch !== record.epoch) {
    // We already processed another member's commit for this epoch: ours can no longer apply.
    context.store.pendingCommits.delete(groupId);
    return 'conflict';
  }
  const own = ownIdentityHex(context);
  // Our leaf may still carry the key before a rotation (a group we were alone in): that is us too.
  const leafKey = session.ownIdentityKey();
  const ownLeaf = leafKey === undefined ? own : toHex(leafKey);
  const recipients = session
    .info()
    .members.filter((member) => toHex(member) !== own && toHex(member) !== ownLeaf);
  const payload = padToBucket(record.commitMessage);
  let receipts: readonly DeliveryReceipt[] = [];
  if (recipients.length > 0) {
    try {
      receipts = await enqueueWithRetry(connection, {
        recipientIdentityKeys: recipients,
        payload,
        groupId: fromHex(groupId),
        epoch: record.epoch,
        clientMessageId: fromHex(record.clientMessageId),
      });
      await context.commitHooks?.afterAccepted?.(groupId);
    } catch (error) {
      if (error instanceof ConflictError && error.code === WireErrorCode.CommitConflict) {
        context.store.pendingCommits.delete(groupId);
        return 'conflict';
      }
      throw settleFailure(context, groupId, error, 'the commit');
    }
  }
  const hasWelcome = record.welcomePayload !== undefined;
  const membersBefore = session.info().members;
  await session.mergeStaged(record.stagedState, () => {
    if (!hasWelcome) {
      context.store.pendingCommits.delete(groupId);
      return;
    }
    const { commitMessage: _commit, stagedState: _state, ...rest } = record;
    context.store.pendingCommits.put({ ...rest, stage: 'welcome' });
  });
  const changes = membershipChanges(context, groupId, own, membersBefore, session.info().members);
  const entries = recordMembership(context, groupId, session.info().epoch, changes);
  const entryIds = changes.map((change, index) =>
    membershipEntryId(groupId, session.info().epoch, change, index),
  );
  await keepCommitProofs(context, { groupId, entryIds, recipients, payload, receipts });
  await context.announceGroup(groupId);
  await announceMembership(context, entries);
  return 'merged';
}

/**
 * What a failed send means for the record: no answer (network) keeps it and says so; a refusal for
 * good (a QpcError from the server) discards it; anything else (a bug, a crash) leaves it untouched.
 */
function settleFailure(context: ClientContext, groupId: string, error: unknown, what: string): unknown {
  if (error instanceof NetworkError) {
    return new NetworkError(
      ClientErrorCode.commitPending,
      `the server did not confirm ${what}; it is kept and sent again on the next connection`,
      { cause: error, hint: 'check that qpc-server runs; nothing needs to be redone' },
    );
  }
  if (error instanceof QpcError) context.store.pendingCommits.delete(groupId);
  return error;
}

/**
 * Every pending record of the profile, oldest first (at start and after each reconnect, before the
 * queue is read: a message of ours or of others in the epoch after our commit needs the commit merged).
 * A record that lost its epoch is reported with a commitDiscarded event.
 */
export async function resolveAllPendingCommits(
  context: ClientContext,
  connection: ServerConnection,
): Promise<void> {
  for (const record of context.store.pendingCommits.list()) {
    let code: string = ClientErrorCode.commitDiscarded;
    try {
      if ((await resolvePendingCommit(context, connection, record)) === 'merged') continue;
    } catch (error) {
      // No answer: the record stays for the next connection, and the caller reports the failure.
      if (error instanceof NetworkError) throw error;
      // A record that cannot be settled (it does not decode, the server refuses it for good) must not
      // stop every later connection: it is dropped and the loss reported.
      context.store.pendingCommits.delete(record.groupId);
      code = error instanceof QpcError ? error.code : ClientErrorCode.unexpected;
    }
    context.emit({ type: 'commitDiscarded', groupId: record.groupId, code });
  }
}

/**
 * An incoming commit moved the group past the epoch of our pending commit: the server took the other
 * one, so ours is dropped (a resend would only get COMMIT_CONFLICT).
 */
export function discardOutrunPendingCommit(context: ClientContext, groupId: string, epochNow: bigint): void {
  const pending = context.store.pendingCommits.get(groupId);
  if (pending === undefined || pending.stage !== 'commit' || pending.epoch >= epochNow) return;
  context.store.pendingCommits.delete(groupId);
  context.emit({ type: 'commitDiscarded', groupId, code: ClientErrorCode.commitDiscarded });
}

/** Enqueue, retried on a lost connection; returns the delivery proofs of the answer. */
async function enqueueWithRetry(
  connection: ServerConnection,
  body: RequestBodyInit<typeof Method.Enqueue>,
): Promise<readonly DeliveryReceipt[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return (await connection.request(Method.Enqueue, body)).receipts;
    } catch (error) {
      if (!(error instanceof NetworkError) || attempt >= ENQUEUE_NETWORK_ATTEMPTS) throw error;
      await sleep(200 * attempt);
    }
  }
}
