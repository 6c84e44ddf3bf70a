/**
 * Group changes over the network with the server's commit ordering (docs/protocol.md section 8). The MLS
 * session merges its own commit at once, so we keep the stored state from before the commit: when the
 * server says COMMIT_CONFLICT we put that state back, catch up (which applies the winning commit) and
 * redo the change on the new epoch.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { constantTimeEqual, fromHex, toHex, wipe } from '../../lib/bytes.js';
import { ConflictError, CryptoError, NetworkError, ValidationError } from '../../lib/errors.js';
import { Method, WireErrorCode, type RequestBodyInit } from '../../protocol/index.js';
import { decodeHybridPublicKey } from '../crypto/hybridKeys.js';
import { sealHybridEnvelope } from '../crypto/hybridEnvelope.js';
import { decodeWholeMlsMessage } from '../mls/wireMessages.js';
import { normalizeUsername } from '../account/opaqueAccount.js';
import { cipherSuiteId } from '../account/keyPackageSupply.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { ownIdentityHex, type ClientContext } from './clientContext.js';
import { lookupUsername } from './directory.js';
import { encodeWelcomeBundle, WELCOME_ENVELOPE_AAD } from './payloads.js';
import { padToBucket } from '../privacy/padding.js';

const MAX_COMMIT_ATTEMPTS = 5;
const ENQUEUE_NETWORK_ATTEMPTS = 3;

/**
 * Enqueue with a fixed client_message_id, repeated when the answer was lost (a broken connection): the
 * server answers a repeat with its first answer, so we learn whether the commit was accepted instead
 * of guessing. Only after that do we give up.
 */
async function enqueueWithRetry(
  connection: ServerConnection,
  body: RequestBodyInit<typeof Method.Enqueue>,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await connection.request(Method.Enqueue, body);
      return;
    } catch (error) {
      if (!(error instanceof NetworkError) || attempt >= ENQUEUE_NETWORK_ATTEMPTS) throw error;
      await sleep(200 * attempt);
    }
  }
}

export interface CommitResult {
  commit: Uint8Array;
  welcome?: Uint8Array;
}

function requireOnline(context: ClientContext): ServerConnection {
  const connection = context.connection();
  if (connection === undefined || connection.state !== 'online') {
    throw new NetworkError('NOT_CONNECTED', 'changing a group needs the server', {
      hint: 'connect first (check --server and that qpc-server runs)',
    });
  }
  return connection;
}

/**
 * Runs `change` (which commits on the group's session) and delivers the commit to the other members,
 * retrying on COMMIT_CONFLICT after catching up with `catchUp`.
 */
export async function commitToGroup(
  context: ClientContext,
  groupId: string,
  change: () => Promise<CommitResult>,
  catchUp: () => Promise<unknown>,
): Promise<CommitResult> {
  const connection = requireOnline(context);
  for (let attempt = 1; ; attempt += 1) {
    const before = context.store.groups.get(groupId);
    if (before === undefined) throw new ValidationError('GROUP_NOT_FOUND', 'the group is gone');
    const session = await context.groups.session(groupId);
    const own = ownIdentityHex(context);
    const recipients = session.info().members.filter((member) => toHex(member) !== own);
    const epoch = session.info().epoch;
    const result = await change();
    if (recipients.length === 0) {
      wipe(before.state);
      return result;
    }
    try {
      await enqueueWithRetry(connection, {
        recipientIdentityKeys: recipients,
        payload: padToBucket(result.commit),
        groupId: fromHex(groupId),
        epoch,
        clientMessageId: new Uint8Array(randomBytes(16)),
      });
      wipe(before.state);
      return result;
    } catch (error) {
      // Not accepted (conflict) or not known to be: go back to the state before our commit.
      context.store.transaction(() => context.store.groups.save(before));
      wipe(before.state);
      context.groups.forget(groupId);
      const conflict = error instanceof ConflictError && error.code === WireErrorCode.CommitConflict;
      if (!conflict || attempt >= MAX_COMMIT_ATTEMPTS) throw error;
      await catchUp();
    }
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
    throw new ValidationError('ALREADY_MEMBER', `${username} is already in this group`);
  }
  const record = context.store.groups.get(groupId);
  if (record === undefined) throw new ValidationError('GROUP_NOT_FOUND', 'the group is gone');
  wipe(record.state);
  const fetched = await connection.request(Method.FetchKeyPackage, {
    username,
    cipherSuite: cipherSuiteId(record.ciphersuite),
  });
  assertKeyPackageOf(fetched.keyPackage, user.identityPublicKey);
  const result = await commitToGroup(
    context,
    groupId,
    async () => (await context.groups.session(groupId)).addMembers([fetched.keyPackage]),
    catchUp,
  );
  if (result.welcome === undefined) throw new CryptoError('NO_WELCOME', 'the commit produced no Welcome');
  const sealed = sealHybridEnvelope(
    decodeHybridPublicKey(user.hybridPublicKey),
    encodeWelcomeBundle(record.name, result.welcome),
    WELCOME_ENVELOPE_AAD,
  );
  await enqueueWithRetry(connection, {
    recipientIdentityKeys: [user.identityPublicKey],
    payload: padToBucket(sealed),
    clientMessageId: new Uint8Array(randomBytes(16)),
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
    throw new CryptoError('KEY_PACKAGE_WRONG_USER', 'the server handed out a KeyPackage of someone else');
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
  const { proposal } = await session.leave();
  context.groups.forget(groupId);
  if (others.length > 0) {
    await connection.request(Method.Enqueue, {
      recipientIdentityKeys: others,
      payload: padToBucket(proposal),
    });
  }
}
