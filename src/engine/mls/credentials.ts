import { defaultClientConfig, type ClientConfig } from 'ts-mls/clientConfig.js';
import type { AuthenticationService, Credential, LeafNode, RatchetTree } from 'ts-mls';
import { constantTimeEqual } from '../../lib/bytes.js';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';

export const ED25519_PUBLIC_KEY_LENGTH = 32;
export const ED25519_PRIVATE_KEY_LENGTH = 32;

/** The member's signing identity: its Ed25519 key pair (the private key is the 32-byte seed). */
export interface MlsIdentity {
  signingPrivateKey: Uint8Array;
  signingPublicKey: Uint8Array;
}

export function assertIdentity(identity: MlsIdentity): void {
  if (
    identity.signingPrivateKey.length !== ED25519_PRIVATE_KEY_LENGTH ||
    identity.signingPublicKey.length !== ED25519_PUBLIC_KEY_LENGTH
  ) {
    throw new MlsInputError(mlsErrorCodes.badInput, 'an MLS identity is a 32-byte Ed25519 key pair');
  }
}

/** A basic credential whose identity is the Ed25519 identity public key itself. */
export function basicCredentialFor(identityPublicKey: Uint8Array): Credential {
  return { credentialType: 'basic', identity: new Uint8Array(identityPublicKey) };
}

/**
 * Accepts a leaf only when its basic credential names the very key that signs for it. This binds
 * "who sent this" (the identity key) to "what verified the signature", so a member cannot claim
 * someone else's identity key with its own signing key.
 */
export const identityKeyAuthService: AuthenticationService = {
  validateCredential(credential, signaturePublicKey) {
    return Promise.resolve(
      credential.credentialType === 'basic' &&
        credential.identity.length === ED25519_PUBLIC_KEY_LENGTH &&
        constantTimeEqual(credential.identity, signaturePublicKey),
    );
  },
};

/**
 * ts-mls keeps configuration beside the state but does not encode it: build it in one place and
 * re-attach it after every decodeGroupState (a decoded state has none).
 */
export function makeClientConfig(): ClientConfig {
  return { ...defaultClientConfig, keyRetentionConfig: KEY_RETENTION, authService: identityKeyAuthService };
}

/**
 * How much past key material a group state keeps for late messages (docs/key-lifecycle.md says what this
 * costs forward secrecy). Receiver data of the last 4 epochs: an application message sent just before a
 * commit, or travelling sealed on another connection than the commit, still opens after it. Up to 10
 * skipped generations per sender for out-of-order delivery, and at most 200 ratchet steps forward in one
 * go (a bound on the work a forged generation number can cause).
 */
export const KEY_RETENTION = {
  retainKeysForEpochs: 4,
  retainKeysForGenerations: 10,
  maximumForwardRatchetSteps: 200,
} as const;

/** The identity key of a leaf (its basic credential identity). */
export function identityKeyOfLeaf(leaf: LeafNode): Uint8Array {
  if (leaf.credential.credentialType !== 'basic') {
    throw new MlsInputError(mlsErrorCodes.badInput, 'member has a non-basic credential');
  }
  return new Uint8Array(leaf.credential.identity);
}

export interface TreeMember {
  leafIndex: number;
  identityKey: Uint8Array;
}

/** Non-blank leaves of a ratchet tree, in leaf order. Leaves sit at even node indexes. */
export function membersOfTree(tree: RatchetTree): TreeMember[] {
  const members: TreeMember[] = [];
  for (let nodeIndex = 0; nodeIndex < tree.length; nodeIndex += 2) {
    const node = tree[nodeIndex];
    if (node?.nodeType === 'leaf') {
      members.push({ leafIndex: nodeIndex / 2, identityKey: identityKeyOfLeaf(node.leaf) });
    }
  }
  return members;
}

export function leafIdentityAt(tree: RatchetTree, leafIndex: number): Uint8Array | undefined {
  const node = tree[leafIndex * 2];
  return node?.nodeType === 'leaf' ? identityKeyOfLeaf(node.leaf) : undefined;
}

export function findLeafIndexOf(tree: RatchetTree, identityKey: Uint8Array): number | undefined {
  return membersOfTree(tree).find((m) => constantTimeEqual(m.identityKey, identityKey))?.leafIndex;
}
