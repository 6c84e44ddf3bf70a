/**
 * Moving our own leaf to a new identity key (docs/mls.md, "Identity rotation"). ts-mls 1.6 signs a
 * commit's update path with the state's current signature key and cannot change our leaf's credential,
 * so we use the standard way RFC 9420 offers a member to come back under a new leaf: an external commit
 * with resync (12.4.3.2). It carries an ExternalInit and a Remove of our former leaf, and adds a new leaf
 * with the new credential and signature key, signed by the new key. The GroupInfo it needs is made from
 * our own state (we are a member: the external_pub is derived from this epoch's external secret), and
 * never leaves this process.
 *
 * The commit is an ordinary commit of the current epoch for the server's ordering (epoch + 1 only) and
 * for our stage-send-merge flow (pendingCommits.ts). Its authenticated data carries the rotation
 * statement, signed by the old and the new key: members accept the credential change only with it
 * (identityResyncCheck.ts).
 */
import {
  defaultCapabilities,
  defaultLifetime,
  encodeGroupState,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  joinGroupExternal,
  type CiphersuiteImpl,
  type ClientState,
  type KeyPackage,
} from 'ts-mls';
import { addHistoricalReceiverData } from 'ts-mls/clientState.js';
import { createGroupInfoWithExternalPubAndRatchetTree } from 'ts-mls/createCommit.js';
import { defaultKeyPackageEqualityConfig } from 'ts-mls/keyPackageEqualityConfig.js';
import { constantTimeEqual, wipe } from '../../lib/bytes.js';
import { assertIdentity, basicCredentialFor, makeClientConfig, type MlsIdentity } from './credentials.js';
import type { StagedCommit } from './groupTypes.js';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';

/** Stages the external commit that replaces our leaf by one under `identity`; the state is untouched. */
export async function stageIdentityResync(
  state: ClientState,
  impl: CiphersuiteImpl,
  identity: MlsIdentity,
  authenticatedData: Uint8Array,
): Promise<StagedCommit> {
  assertIdentity(identity);
  const ownLeaf = state.ratchetTree[state.privatePath.leafIndex * 2];
  if (ownLeaf?.nodeType !== 'leaf') throw new MlsInputError(mlsErrorCodes.badInput, 'our leaf is missing');
  const formerSignatureKey = ownLeaf.leaf.signaturePublicKey;
  if (constantTimeEqual(formerSignatureKey, identity.signingPublicKey)) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'the new identity key is the current one');
  }
  const signKey = new Uint8Array(identity.signingPrivateKey);
  const own = await generateKeyPackageWithKey(
    basicCredentialFor(identity.signingPublicKey),
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey, publicKey: new Uint8Array(identity.signingPublicKey) },
    impl,
  );
  const groupInfo = await createGroupInfoWithExternalPubAndRatchetTree(state, [], impl);
  // Resync finds "our former leaf" by comparing leaves with the new KeyPackage; with a new credential
  // nothing would match, so the comparison names our own former leaf by its signature key.
  const config = {
    ...makeClientConfig(),
    keyPackageEqualityConfig: {
      compareKeyPackages: (a: KeyPackage, b: KeyPackage) =>
        defaultKeyPackageEqualityConfig.compareKeyPackages(a, b),
      compareKeyPackageToLeafNode: (_keyPackage: unknown, leaf: { signaturePublicKey: Uint8Array }) =>
        constantTimeEqual(leaf.signaturePublicKey, formerSignatureKey),
    },
  };
  const joined = await joinGroupExternal(
    groupInfo,
    own.publicPackage,
    own.privatePackage,
    true,
    impl,
    undefined,
    config,
    authenticatedData,
  );
  // The init key only served the KeyPackage; the leaf HPKE key was replaced by the update path's.
  wipe(own.privatePackage.initPrivateKey);
  // A new member's state starts with no past epochs; ours keeps the receiver data of this one (and the
  // ones before), so application messages the others sent before seeing the commit still open.
  const [historical] = addHistoricalReceiverData(state);
  const next: ClientState = {
    ...joined.newState,
    historicalReceiverData: historical,
    clientConfig: makeClientConfig(),
  };
  return {
    commit: encodeMlsMessage({
      version: 'mls10',
      wireformat: 'mls_public_message',
      publicMessage: joined.publicMessage,
    }),
    stagedState: encodeGroupState(next),
    epoch: state.groupContext.epoch,
  };
}
