/**
 * Reads of a test client's engine that the public API does not offer (its client context, its current
 * identity key, the fingerprints in a group's tree), shared by the e2e tests that check key rotation and
 * sealed sending from the inside.
 */
import type { ClientContext } from '../../src/engine/client/clientContext.js';
import type { TestClient } from './harness.js';

export const contextOf = (client: TestClient): ClientContext =>
  (client.engine as unknown as { context: ClientContext }).context;

/** The Ed25519 identity key the client signs with now. */
export const identityKeyOf = (client: TestClient): Uint8Array =>
  contextOf(client).identity().mls.signingPublicKey;

/** The fingerprints of the members of `groupId` as `client` sees them. */
export async function memberFingerprints(client: TestClient, groupId: string): Promise<string[]> {
  return (await client.engine.listMembers(groupId)).map((member) => member.fingerprint);
}
