import type { KeyPackage, PrivateKeyPackage, Welcome } from 'ts-mls';
import { toHex } from '../../lib/bytes.js';
import type { KeyPackageRecord, ProfileStore } from '../store/types.js';
import type { MlsIdentity } from './credentials.js';
import { decodePrivateKeyParts } from './keyPackages.js';
import { mlsErrorCodes, MlsInputError } from './mlsErrors.js';
import { decodeWholeMlsMessage } from './wireMessages.js';

export interface ConsumedKeyPackage {
  record: KeyPackageRecord;
  keyPackage: KeyPackage;
  /** Fresh copies: the caller wipes what it does not hand over to the group state. */
  privateKeys: PrivateKeyPackage;
}

/**
 * Finds which of our stored KeyPackages a Welcome was encrypted to (EncryptedGroupSecrets.new_member
 * is the KeyPackageRef) and rebuilds its private parts with the identity signing key.
 */
export function consumeKeyPackageForWelcome(
  store: ProfileStore,
  welcome: Welcome,
  identity: MlsIdentity,
): Promise<ConsumedKeyPackage> {
  for (const secrets of welcome.secrets) {
    const record = store.keyPackages.get(toHex(secrets.newMember));
    if (record === undefined) continue;
    if (record.ciphersuite !== welcome.cipherSuite) {
      throw new MlsInputError(
        mlsErrorCodes.badInput,
        'the Welcome and our KeyPackage use different ciphersuites',
      );
    }
    const message = decodeWholeMlsMessage(record.publicPackage);
    if (message.wireformat !== 'mls_key_package') {
      throw new MlsInputError(mlsErrorCodes.badInput, 'stored KeyPackage does not decode');
    }
    const privateKeys = decodePrivateKeyParts(record.privatePackage, identity.signingPrivateKey);
    return Promise.resolve({ record, keyPackage: message.keyPackage, privateKeys });
  }
  return Promise.reject(
    new MlsInputError(mlsErrorCodes.noKeyPackage, 'this Welcome is not for any of our KeyPackages', {
      hint: 'the KeyPackage may have been used already; publish fresh ones',
    }),
  );
}
