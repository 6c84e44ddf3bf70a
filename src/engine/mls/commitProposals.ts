/** The proposals a commit of ours carries, from the change the caller asked for (groupTypes.ts CommitChange). */
import type { ClientState, CryptoProvider, Proposal } from 'ts-mls';
import { findLeafIndexOf } from './credentials.js';
import type { CommitChange } from './groupTypes.js';
import { parseMemberKeyPackage } from './keyPackages.js';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';

export async function proposalsFor(
  change: CommitChange,
  group: { state: ClientState; provider: CryptoProvider; ciphersuite: string },
): Promise<Proposal[]> {
  switch (change.kind) {
    case 'add': {
      const proposals: Proposal[] = [];
      for (const bytes of change.keyPackages) {
        const keyPackage = await parseMemberKeyPackage(bytes, group.provider, group.ciphersuite);
        proposals.push({ proposalType: 'add', add: { keyPackage } });
      }
      if (proposals.length === 0) throw new MlsInputError(mlsErrorCodes.badInput, 'no KeyPackage to add');
      return proposals;
    }
    case 'remove':
      return change.identityKeys.map((identityKey) => {
        const leafIndex = findLeafIndexOf(group.state.ratchetTree, identityKey);
        if (leafIndex === undefined)
          throw new MlsInputError(mlsErrorCodes.badInput, 'not a member of this group');
        if (leafIndex === group.state.privatePath.leafIndex) {
          throw new MlsInputError(mlsErrorCodes.badInput, 'cannot remove yourself by commit', {
            hint: 'use leave()',
          });
        }
        return { proposalType: 'remove', remove: { removed: leafIndex } };
      });
    case 'selfUpdate':
    case 'pendingProposals':
      // An empty commit: an update path (fresh leaf and path keys) plus any proposals received.
      return [];
    case 'identityResync':
      // An external commit builds its own proposals (ExternalInit and the Remove of our former leaf).
      throw new MlsInputError(mlsErrorCodes.badInput, 'an identity resync is not a member commit');
  }
}
