/**
 * Identity key rotation (docs/key-lifecycle.md, "Identity key"): the next Ed25519 key from the same
 * recovery words (SLIP-0010 index n + 1), a statement signed by the old and the new key, the directory
 * entry replaced (PublishKeys with identity_rotation), our leaf moved to the new key in every group (an
 * external commit with resync, docs/mls.md), then the profile switched to the new key, fresh KeyPackages
 * under it, and the old private key wiped.
 *
 * Order, and why: the directory first, so that once members learn the new key from a commit, the server
 * already delivers to it (and the old key stays an alias for whoever has not processed the commit). The
 * group commits go out while the engine still calls the old key its own, so the old leaf is never among
 * the commit's recipients. The profile switches last. The statement is kept as "pending" from the start:
 * an interrupted rotation (a crash, a group whose commit failed) is finished by running it again, with
 * the same statement and key, and nothing is signed twice.
 */
import { fromHex, toHex, wipe } from '../../lib/bytes.js';
import { NetworkError, ValidationError } from '../../lib/errors.js';
import { EngineErrorCode } from '../engineErrors.js';
import type { ServerConnection } from '../net/serverConnection.js';
import { hybridKeySignedBytes, Method } from '../../protocol/index.js';
import { signWithIdentity } from '../account/opaqueAccount.js';
import type { ClientContext } from '../client/clientContext.js';
import { keptRecoveryWords } from '../client/localIdentity.js';
import { mnemonicToIdentitySeed } from '../identity/mnemonic.js';
import { decodeRotationStatement, encodeRotationStatement } from '../identity/rotationCodec.js';
import { identityAtIndex, signRotation, type RotationStatement } from '../identity/rotationStatement.js';
import type { CommitChange } from '../mls/groupTypes.js';
import { chainWith, saveRotationChain } from './rotationChainStore.js';
import type { MlsIdentity } from '../mls/credentials.js';

export const IdentityRotationErrorCode = {
  /** The profile does not keep the recovery words (made before they were kept): type them. */
  wordsNeeded: 'IDENTITY_ROTATION_NEEDS_WORDS',
  /** The words typed do not derive the profile's current identity key. */
  wrongWords: 'IDENTITY_ROTATION_WRONG_WORDS',
  /** Some groups still have our old key (their commit failed): run the rotation again. */
  incomplete: 'IDENTITY_ROTATION_INCOMPLETE',
} as const;

export const IdentitySettingKey = {
  /** SLIP-0010 index of the current identity key (absent: 0, the first one). */
  keyIndex: 'keys.identity.index',
  /** Encoded statement of a rotation that has started and not finished (hex). */
  pending: 'keys.identity.rotation_pending',
  /**
   * Encoded statement of the last finished rotation (hex): the old public key and both signatures. Every
   * finished rotation is kept too, as a chain (rotationChainStore.ts).
   */
  last: 'keys.identity.last_rotation',
} as const;

export interface IdentityRotationHooks {
  /** Commits `change` in one group through the engine's ordered commit flow. */
  commit(groupId: string, change: CommitChange): Promise<void>;
  /** Uploads fresh KeyPackages (the server retired ours with the old key). */
  replenish(): Promise<void>;
}

function requireConnected(context: ClientContext): ServerConnection {
  const connection = context.connection();
  if (connection?.state !== 'online') {
    throw new NetworkError(EngineErrorCode.notConnected, 'an identity rotation needs the server', {
      hint: 'connect first (check --server and that qpc-server runs)',
    });
  }
  return connection;
}

export interface IdentityRotationResult {
  statement: RotationStatement;
  /** Groups whose leaf moved to the new key in this run. */
  groupsUpdated: string[];
  /**
   * Groups where we are the only member: a resync commit would remove the tree's only leaf, which MLS
   * cannot express. Their leaf moves when a second member joins (deferredIdentityMove.ts).
   */
  groupsDeferred: string[];
}

function currentIndex(context: ClientContext): number {
  const text = context.store.settings.get(IdentitySettingKey.keyIndex);
  return text !== undefined && /^\d{1,10}$/u.test(text) ? Number(text) : 0;
}

/** The statement of a started rotation, or a new one signed by the current and the next key. */
function statementFor(context: ClientContext, seed: Uint8Array, username: string): RotationStatement {
  const pending = context.store.settings.get(IdentitySettingKey.pending);
  if (pending !== undefined) return decodeRotationStatement(fromHex(pending));
  const own = context.identity().mls;
  const index = currentIndex(context);
  const fromWords = identityAtIndex(seed, index);
  const matches = toHex(fromWords.publicKey) === toHex(own.signingPublicKey);
  wipe(fromWords.privateKey);
  if (!matches) {
    throw new ValidationError(
      IdentityRotationErrorCode.wrongWords,
      'these recovery words do not belong to this identity',
      { hint: 'type the 24 words of this profile' },
    );
  }
  const next = identityAtIndex(seed, index + 1);
  const statement = signRotation(
    username,
    { privateKey: own.signingPrivateKey, publicKey: own.signingPublicKey },
    next,
    index + 1,
    context.mls.clock.now(),
  );
  wipe(next.privateKey);
  context.store.settings.set(IdentitySettingKey.pending, toHex(encodeRotationStatement(statement)));
  return statement;
}

/** Rotates our identity key; `words` only when the profile does not keep them. */
export async function rotateIdentity(
  context: ClientContext,
  hooks: IdentityRotationHooks,
  words?: string,
): Promise<IdentityRotationResult> {
  const connection = requireConnected(context);
  const username = context.identity().username;
  if (username === null) throw new ValidationError(IdentityRotationErrorCode.wordsNeeded, 'no account yet');
  const phrase = words ?? keptRecoveryWords(context.store);
  if (phrase === undefined) {
    throw new ValidationError(
      IdentityRotationErrorCode.wordsNeeded,
      'this profile does not keep its recovery words',
      { hint: 'pipe the 24 words on stdin: qpc keys rotate-identity --words-stdin' },
    );
  }
  const seed = mnemonicToIdentitySeed(phrase);
  let next;
  let statement;
  try {
    statement = statementFor(context, seed, username);
    next = identityAtIndex(seed, statement.keyIndex);
  } finally {
    wipe(seed);
  }
  const nextMls: MlsIdentity = { signingPrivateKey: next.privateKey, signingPublicKey: next.publicKey };
  try {
    await publishRotation(context, statement, nextMls, username, connection);
    const { moved, deferred } = await moveGroups(context, hooks, statement, nextMls);
    switchProfileIdentity(context, statement, nextMls);
    await hooks.replenish();
    return { statement, groupsUpdated: moved, groupsDeferred: deferred };
  } finally {
    wipe(next.privateKey);
  }
}

async function publishRotation(
  context: ClientContext,
  statement: RotationStatement,
  next: MlsIdentity,
  username: string,
  connection: ServerConnection,
): Promise<void> {
  const record = context.store.identity.load();
  if (record === undefined) throw new ValidationError(IdentityRotationErrorCode.wordsNeeded, 'no identity');
  wipe(record.signingPrivateKey, record.hybridPrivateKey);
  const identitySignature = signWithIdentity(
    next.signingPrivateKey,
    hybridKeySignedBytes(username, next.signingPublicKey, record.hybridPublicKey),
  );
  await connection.request(Method.PublishKeys, {
    hybridPublicKey: record.hybridPublicKey,
    identitySignature,
    identityRotation: {
      newIdentityKey: statement.newKey,
      keyIndex: statement.keyIndex,
      issuedAtMs: BigInt(statement.issuedAt),
      previousSignature: statement.previousSignature,
      newSignature: statement.newSignature,
    },
  });
}

/**
 * Every group where our leaf still has the old key gets the resync commit; failures are counted.
 * Groups where we are alone are deferred, not failed.
 */
async function moveGroups(
  context: ClientContext,
  hooks: IdentityRotationHooks,
  statement: RotationStatement,
  next: MlsIdentity,
): Promise<{ moved: string[]; deferred: string[] }> {
  const authenticatedData = encodeRotationStatement(statement);
  const moved: string[] = [];
  const deferred: string[] = [];
  const failed: unknown[] = [];
  for (const { id: groupId } of context.groups.summaries()) {
    const session = await context.groups.session(groupId);
    const ownKey = session.ownIdentityKey();
    // Already moved (an earlier, interrupted run).
    if (ownKey !== undefined && toHex(ownKey) === toHex(statement.newKey)) continue;
    if (session.info().members.length < 2) {
      deferred.push(groupId);
      continue;
    }
    try {
      await hooks.commit(groupId, { kind: 'identityResync', identity: next, authenticatedData });
      moved.push(groupId);
    } catch (error) {
      // The group keeps our old leaf for now; the rotation stays pending and the next run retries it.
      failed.push(error);
    }
  }
  if (failed.length > 0) {
    throw new ValidationError(
      IdentityRotationErrorCode.incomplete,
      `${failed.length} group(s) could not be moved to the new key yet`,
      { hint: 'run qpc keys rotate-identity again when online', cause: failed[0] },
    );
  }
  return { moved, deferred };
}

/** The profile's identity becomes the new key; the old private key is wiped in memory. */
function switchProfileIdentity(
  context: ClientContext,
  statement: RotationStatement,
  next: MlsIdentity,
): void {
  const { store } = context;
  const record = store.identity.load();
  if (record === undefined) throw new ValidationError(IdentityRotationErrorCode.wordsNeeded, 'no identity');
  wipe(record.hybridPrivateKey);
  const oldPrivate = record.signingPrivateKey;
  store.transaction(() => {
    store.identity.save({
      ...record,
      signingPrivateKey: new Uint8Array(next.signingPrivateKey),
      signingPublicKey: new Uint8Array(next.signingPublicKey),
    });
    store.settings.set(IdentitySettingKey.keyIndex, String(statement.keyIndex));
    store.settings.set(IdentitySettingKey.last, toHex(encodeRotationStatement(statement)));
    saveRotationChain(store, chainWith(store, statement));
    store.settings.delete(IdentitySettingKey.pending);
  });
  wipe(oldPrivate);
  const loaded = context.identity();
  wipe(loaded.mls.signingPrivateKey);
  loaded.mls = {
    signingPrivateKey: new Uint8Array(next.signingPrivateKey),
    signingPublicKey: new Uint8Array(next.signingPublicKey),
  };
}
