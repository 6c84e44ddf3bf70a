/**
 * The first state of a group as seen by this member: a new group we create, or one we join from a
 * Welcome. Both persist the state before returning; MlsGroupSession wraps what they return.
 */
import { randomBytes } from 'node:crypto';
import {
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  generateKeyPackageWithKey,
  joinGroup,
  type CiphersuiteImpl,
  type ClientState,
} from 'ts-mls';
import { toHex, wipe } from '../../lib/bytes.js';
import { assertSupportedCiphersuite, DEFAULT_CIPHERSUITE, loadCiphersuite } from './ciphersuites.js';
import { assertIdentity, basicCredentialFor, makeClientConfig } from './credentials.js';
import { persistGroupState, type GroupMeta } from './groupState.js';
import type { CreateGroupOptions, JoinGroupOptions, MlsEnv } from './groupTypes.js';
import { mapIncomingError, mlsErrorCodes, MlsInputError } from './mlsErrors.js';
import { consumeKeyPackageForWelcome } from './welcomeJoin.js';
import { decodeWholeMlsMessage } from './wireMessages.js';

/** What a session is built from. */
export interface GroupStart {
  impl: CiphersuiteImpl;
  meta: GroupMeta;
  state: ClientState;
}

export async function createGroupState(env: MlsEnv, options: CreateGroupOptions): Promise<GroupStart> {
  assertIdentity(options.identity);
  const ciphersuite = assertSupportedCiphersuite(options.ciphersuite ?? DEFAULT_CIPHERSUITE);
  const impl = await loadCiphersuite(ciphersuite, env.provider);
  const groupIdBytes = options.groupId ?? new Uint8Array(randomBytes(32));
  const signKey = new Uint8Array(options.identity.signingPrivateKey);
  const own = await generateKeyPackageWithKey(
    basicCredentialFor(options.identity.signingPublicKey),
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey, publicKey: new Uint8Array(options.identity.signingPublicKey) },
    impl,
  );
  const state = await createGroup(
    groupIdBytes,
    own.publicPackage,
    own.privatePackage,
    [],
    impl,
    makeClientConfig(),
  );
  // The state holds its own copies; our one-off KeyPackage keys are no longer needed.
  wipe(own.privatePackage.initPrivateKey);
  const meta = { groupId: toHex(groupIdBytes), name: options.name ?? '', ciphersuite };
  if (env.store.groups.get(meta.groupId) !== undefined) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'a group with this id already exists');
  }
  persistGroupState(env.store, state, meta, env.clock);
  return { impl, meta, state };
}

/** Joins from a Welcome, using (and then deleting, unless last-resort) the KeyPackage it names. */
export async function joinGroupState(env: MlsEnv, options: JoinGroupOptions): Promise<GroupStart> {
  assertIdentity(options.identity);
  const message = decodeWholeMlsMessage(options.welcome);
  if (message.wireformat !== 'mls_welcome')
    throw new MlsInputError(mlsErrorCodes.badInput, 'expected a Welcome');
  const welcome = message.welcome;
  const ciphersuite = assertSupportedCiphersuite(welcome.cipherSuite);
  const impl = await loadCiphersuite(ciphersuite, env.provider);
  const consumed = await consumeKeyPackageForWelcome(env.store, welcome, options.identity);
  try {
    let state: ClientState;
    try {
      state = await joinGroup(
        welcome,
        consumed.keyPackage,
        consumed.privateKeys,
        emptyPskIndex,
        impl,
        undefined,
        undefined,
        makeClientConfig(),
      );
    } catch (error) {
      throw mapIncomingError(error);
    }
    const meta = { groupId: toHex(state.groupContext.groupId), name: options.name ?? '', ciphersuite };
    if (env.store.groups.get(meta.groupId) !== undefined) {
      throw new MlsInputError(mlsErrorCodes.badInput, 'we already have a state for this group');
    }
    persistGroupState(env.store, state, meta, env.clock, () => {
      if (!consumed.record.lastResort) env.store.keyPackages.delete(consumed.record.ref);
    });
    return { impl, meta, state };
  } finally {
    // The init key must not outlive the join (RFC 9420 16.8). The leaf HPKE key and the signature
    // key now live on inside the group state (ts-mls keeps the references), so they stay.
    wipe(consumed.privateKeys.initPrivateKey, consumed.record.privatePackage);
  }
}
