/**
 * Group changes over the network with the server's commit ordering (docs/protocol.md section 8):
 * stage, store as pending, send, merge only when accepted (pendingCommits.ts). On COMMIT_CONFLICT the
 * pending record is gone and the state was never touched: catch up (which applies the winning commit)
 * and stage the change again on the new epoch.
 */
import { constantTimeEqual, toHex, wipe } from '../../lib/bytes.js';
import { ConflictError, CryptoError, NetworkError, ValidationError } from '../../lib/errors.js';
import { Method, WireErrorCode } from '../../protocol/index.js';
import { decodeWholeMlsMessage } from '../mls/wireMessages.js';
import type { CommitChange } from '../mls/groupTypes.js';
import { normalizeUsername } from '../account/opaqueAccount.js';
import { cipherSuiteId } from '../account/keyPackageSupply.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { ClientErrorCode } from './clientErrors.js';
import { EngineErrorCode } from '../engineErrors.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { lookupUsername } from './directory.js';
import { markGroupRemoved } from './incomingRecords.js';
import { padToBucket } from '../privacy/padding.js';
import { resolvePendingCommit, stagePendingCommit, type Invitee } from './pendingCommits.js';

const MAX_COMMIT_ATTEMPTS = 5;

function requireOnline(context: ClientContext): ServerConnection {
  const connection = context.connection();
  if (connection === undefined || connection.state !== 'online') {
    throw new NetworkError(EngineErrorCode.notConnected, 'changing a group needs the server', {
      hint: 'connect first (check --server and that qpc-server runs)',
    });
  }
  return connection;
}

/**
 * Commits `change` in the group and delivers it to the other members: an earlier pending commit of
 * ours is settled first, then the change is staged, kept on disk, sent and merged once accepted;
 * COMMIT_CONFLICT catches up with `catchUp` and stages again (at most MAX_COMMIT_ATTEMPTS times).
 * No answer from the server: COMMIT_PENDING, and the record is resolved at the next connection.
 */
export async function commitToGroup(
  context: ClientContext,
  groupId: string,
  change: CommitChange | (() => Promise<CommitChange>),
  catchUp: () => Promise<unknown>,
  invitee?: Invitee,
): Promise<void> {
  const connection = requireOnline(context);
  const earlier = context.store.pendingCommits.get(groupId);
  if (earlier !== undefined) {
    if ((await resolvePendingCommit(context, connection, earlier, false)) === 'conflict') await catchUp();
  }
  for (let attempt = 1; ; attempt += 1) {
    if (!context.groups.has(groupId))
      throw new ValidationError(ClientErrorCode.groupNotFound, 'the group is gone');
    const wanted = typeof change === 'function' ? await change() : change;
    const record = await stagePendingCommit(context, groupId, wanted, invitee);
    if ((await resolvePendingCommit(context, connection, record)) === 'merged') return;
    if (attempt >= MAX_COMMIT_ATTEMPTS) {
      throw new ConflictError(WireErrorCode.CommitConflict, 'other members kept changing the group first', {
        hint: 'try again in a moment',
      });
    }
    await catchUp();
  }
}

/** Adds `username` to the group: their KeyPackage, our commit to the members, the sealed Welcome to them. */
export async function inviteToGroup(
  context: ClientContext,
  groupId: string,
  usernameInput: string,
  catchUp: () => Promise<unknown>,
): Promise<void> {
  const connection = requireOnline(context);
  const username = normalizeUsername(usernameInput);
  const user = await lookupUsername(connection, context.store, username);
  const session = await context.groups.session(groupId);
  if (session.info().members.some((member) => constantTimeEqual(member, user.identityPublicKey))) {
    throw new ValidationError(ClientErrorCode.alreadyMember, `${username} is already in this group`);
  }
  const record = context.store.groups.get(groupId);
  if (record === undefined) throw new ValidationError(ClientErrorCode.groupNotFound, 'the group is gone');
  wipe(record.state);
  const fetched = await connection.request(Method.FetchKeyPackage, {
    username,
    cipherSuite: cipherSuiteId(record.ciphersuite),
  });
  assertKeyPackageOf(fetched.keyPackage, user.identityPublicKey);
  await commitToGroup(context, groupId, { kind: 'add', keyPackages: [fetched.keyPackage] }, catchUp, {
    identityKey: user.identityPublicKey,
    hybridPublicKey: user.hybridPublicKey,
    groupName: record.name,
  });
  await context.announceGroup(groupId);
}

/** The KeyPackage must be for the user we looked up: its credential names their identity key. */
function assertKeyPackageOf(keyPackage: Uint8Array, identityPublicKey: Uint8Array): void {
  const message = decodeWholeMlsMessage(keyPackage);
  const ok =
    message.wireformat === 'mls_key_package' &&
    message.keyPackage.leafNode.credential.credentialType === 'basic' &&
    constantTimeEqual(message.keyPackage.leafNode.credential.identity, identityPublicKey);
  if (!ok) {
    throw new CryptoError(
      ClientErrorCode.keyPackageWrongUser,
      'the server handed out a KeyPackage of someone else',
    );
  }
}

/**
 * Leaving: MLS lets no member commit its own removal, so we send a Remove proposal for ourselves to
 * the others (their engines commit it) and our local state is deleted and wiped at once.
 */
export async function leaveGroup(
  context: ClientContext,
  connection: ServerConnection,
  groupId: string,
): Promise<void> {
  const session = await context.groups.session(groupId);
  const own = ownIdentityHex(context);
  const others = session.info().members.filter((member) => toHex(member) !== own);
  const name = session.info().name;
  const { proposal } = await session.leave();
  // Messages still on their way for the group are dropped (recorded), not held for a Welcome.
  markGroupRemoved(context, groupId, name);
  context.groups.forget(groupId);
  if (others.length > 0) {
    await connection.request(Method.Enqueue, {
      recipientIdentityKeys: others,
      payload: padToBucket(proposal),
    });
  }
}
