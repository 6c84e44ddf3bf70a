/**
 * A two-member MLS group whose members may use different CryptoProviders: the fixture behind the
 * provider interop tests and the message benchmark (bench/sections/10-mls-messages.ts). Messages
 * travel through the MLS wire encoding, as they would between two clients.
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  decodeMlsMessage,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  joinGroup,
  processPrivateMessage,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  type CryptoProvider,
  type MLSMessage,
} from 'ts-mls';
import { InternalError } from '../../../lib/errors.js';
import { utf8, wipe } from '../../../lib/bytes.js';

/** Codes of this fixture for tests and benchmarks: an MLS step that did not give what it should. */
export const twoMemberGroupErrorCodes = {
  decode: 'test.decode',
  wireformat: 'test.wireformat',
  welcome: 'test.welcome',
  kind: 'test.kind',
} as const;

export interface GroupMember {
  state: ClientState;
  readonly impl: CiphersuiteImpl;
}

function overTheWire(message: MLSMessage): MLSMessage {
  const decoded = decodeMlsMessage(encodeMlsMessage(message), 0);
  if (decoded === undefined)
    throw new InternalError(twoMemberGroupErrorCodes.decode, 'MLS message did not decode');
  return decoded[0];
}

/** `creator` makes the group and adds `joiner` with a Commit and a Welcome. */
export async function createTwoMemberGroup(
  suite: CiphersuiteName,
  creator: CryptoProvider,
  joiner: CryptoProvider,
): Promise<{ alice: GroupMember; bob: GroupMember }> {
  const cs = getCiphersuiteFromName(suite);
  const aliceImpl = await creator.getCiphersuiteImpl(cs);
  const bobImpl = await joiner.getCiphersuiteImpl(cs);
  const alicePackage = await generateKeyPackage(
    { credentialType: 'basic', identity: utf8('alice') },
    defaultCapabilities(),
    defaultLifetime,
    [],
    aliceImpl,
  );
  const bobPackage = await generateKeyPackage(
    { credentialType: 'basic', identity: utf8('bob') },
    defaultCapabilities(),
    defaultLifetime,
    [],
    bobImpl,
  );
  const aliceState = await createGroup(
    utf8('group'),
    alicePackage.publicPackage,
    alicePackage.privatePackage,
    [],
    aliceImpl,
  );
  const keyPackage = overTheWire({
    wireformat: 'mls_key_package',
    version: 'mls10',
    keyPackage: bobPackage.publicPackage,
  });
  if (keyPackage.wireformat !== 'mls_key_package')
    throw new InternalError(twoMemberGroupErrorCodes.wireformat, 'expected a key package');
  const added = await createCommit(
    { state: aliceState, cipherSuite: aliceImpl },
    { extraProposals: [{ proposalType: 'add', add: { keyPackage: keyPackage.keyPackage } }] },
  );
  added.consumed.forEach((secret) => wipe(secret));
  if (added.welcome === undefined)
    throw new InternalError(twoMemberGroupErrorCodes.welcome, 'adding a member gave no Welcome');
  const welcome = overTheWire({ wireformat: 'mls_welcome', version: 'mls10', welcome: added.welcome });
  if (welcome.wireformat !== 'mls_welcome')
    throw new InternalError(twoMemberGroupErrorCodes.wireformat, 'expected a Welcome');
  const bobState = await joinGroup(
    welcome.welcome,
    bobPackage.publicPackage,
    bobPackage.privatePackage,
    emptyPskIndex,
    bobImpl,
    added.newState.ratchetTree,
  );
  return { alice: { state: added.newState, impl: aliceImpl }, bob: { state: bobState, impl: bobImpl } };
}

/** Encrypts at `from`, decrypts at `to`, returns the plaintext `to` saw. `wire: false` skips encoding. */
export async function sendApplicationMessage(
  from: GroupMember,
  to: GroupMember,
  plaintext: Uint8Array,
  wire = true,
): Promise<Uint8Array> {
  const sent = await createApplicationMessage(from.state, plaintext, from.impl);
  from.state = sent.newState;
  sent.consumed.forEach((secret) => wipe(secret));
  let privateMessage = sent.privateMessage;
  if (wire) {
    const received = overTheWire({ wireformat: 'mls_private_message', version: 'mls10', privateMessage });
    if (received.wireformat !== 'mls_private_message')
      throw new InternalError(twoMemberGroupErrorCodes.wireformat, 'expected a PrivateMessage');
    privateMessage = received.privateMessage;
  }
  const result = await processPrivateMessage(to.state, privateMessage, emptyPskIndex, to.impl);
  to.state = result.newState;
  result.consumed.forEach((secret) => wipe(secret));
  if (result.kind !== 'applicationMessage')
    throw new InternalError(twoMemberGroupErrorCodes.kind, 'expected an application message');
  return result.message;
}

/** `from` commits (an empty commit with a fresh UpdatePath) and `to` processes it. */
export async function commitAndProcess(from: GroupMember, to: GroupMember): Promise<void> {
  const committed = await createCommit({ state: from.state, cipherSuite: from.impl });
  from.state = committed.newState;
  committed.consumed.forEach((secret) => wipe(secret));
  const received = overTheWire(committed.commit);
  if (received.wireformat !== 'mls_private_message')
    throw new InternalError(twoMemberGroupErrorCodes.wireformat, 'expected a private commit');
  const result = await processPrivateMessage(to.state, received.privateMessage, emptyPskIndex, to.impl);
  to.state = result.newState;
  result.consumed.forEach((secret) => wipe(secret));
  if (result.kind !== 'newState')
    throw new InternalError(twoMemberGroupErrorCodes.kind, 'expected a new state from a commit');
}
