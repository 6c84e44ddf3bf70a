import { createApplicationMessage, createCommit, processMessage, acceptAll, emptyPskIndex } from 'ts-mls';
import type { ClientState } from 'ts-mls';
import { describe, expect, it } from 'vitest';
import { CLASSICAL_CIPHERSUITE, loadCiphersuite } from './ciphersuites.js';
import { MlsGroupSession } from './groupSession.js';
import { decodeStoredState, wipeReplacedState } from './groupState.js';
import { keyPackageFor, newTestMember, textOfBytes, utf8Text } from './testKit.js';

const suite = CLASSICAL_CIPHERSUITE;
const isZero = (bytes: Uint8Array): boolean => bytes.every((byte) => byte === 0);

async function twoMembers(): Promise<{ alice: ClientState; bob: ClientState }> {
  const [a, b] = [newTestMember('alice'), newTestMember('bob')];
  const group = await MlsGroupSession.create(a.env, { identity: a.identity, ciphersuite: suite });
  const { welcome } = await group.addMembers([await keyPackageFor(b, suite)]);
  await MlsGroupSession.join(b.env, { identity: b.identity, welcome });
  return {
    alice: decodeStoredState(a.env.store.groups.get(group.groupId)!),
    bob: decodeStoredState(b.env.store.groups.get(group.groupId)!),
  };
}

describe('wipeReplacedState', () => {
  it('zeroes the old epoch secrets and spares every buffer the new state shares', async () => {
    const impl = await loadCiphersuite(suite, newTestMember('x').env.provider);
    const { alice, bob } = await twoMembers();
    const result = await createCommit({ state: alice, cipherSuite: impl }, {});
    const next = result.newState;
    // ts-mls builds the new state from the old one: the signature key is the same array.
    expect(next.signaturePrivateKey).toBe(alice.signaturePrivateKey);
    wipeReplacedState(alice, next, result.consumed);

    expect(isZero(alice.keySchedule.epochAuthenticator)).toBe(true);
    expect(isZero(alice.keySchedule.membershipKey)).toBe(true);
    expect(isZero(next.signaturePrivateKey)).toBe(false);
    expect(isZero(next.keySchedule.membershipKey)).toBe(false);
    // The new state still works end to end: bob follows the commit and reads a message from it.
    const commit = result.commit;
    if (commit.wireformat !== 'mls_public_message' && commit.wireformat !== 'mls_private_message')
      throw new Error('a commit is a public or private message');
    const atBob = await processMessage(commit, bob, emptyPskIndex, acceptAll, impl);
    const sent = await createApplicationMessage(next, utf8Text('after the wipe'), impl);
    const read = await processMessage(
      { wireformat: 'mls_private_message', privateMessage: sent.privateMessage },
      atBob.newState,
      emptyPskIndex,
      acceptAll,
      impl,
    );
    expect(read.kind === 'applicationMessage' && textOfBytes(read.message)).toBe('after the wipe');
  });
});
