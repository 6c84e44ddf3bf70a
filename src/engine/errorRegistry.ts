/**
 * Every error code of src/engine: the facade's list and each feature's (docs/architecture.md, "Errors").
 * A new feature list is added here; the registry test checks that no code is spelled as a bare string
 * in src/engine and that no two entries (here or in src/protocol and src/lib) share a value.
 */
import { BackupErrorCode } from './backup/backupErrors.js';
import { UNEXPECTED_BACKGROUND_ERROR } from './client/backgroundWork.js';
import { ClientErrorCode } from './client/clientErrors.js';
import { SEND_HELD_KEY_CHANGED } from './client/contactTrust.js';
import { SEALED_SENDER_REJECTED } from './client/sealedChecks.js';
import { HybridEnvelopeErrorCode } from './crypto/hybridEnvelope.js';
import { EngineErrorCode } from './engineErrors.js';
import { IdentityErrorCode } from './identity/errors.js';
import { safetyNumberErrorCodes } from './identity/safetyNumber.js';
import { RotationErrorCode } from './identity/rotationStatement.js';
import { IdentityRotationErrorCode } from './keys/identityRotation.js';
import { KeyScheduleErrorCode } from './keys/keySettings.js';
import { RestoreIdentityErrorCode } from './keys/restoredIdentityIndex.js';
import { LockErrorCode } from './lock/lockErrors.js';
import { cryptoProviderErrorCodes } from './mls/crypto/nodePrimitives.js';
import { twoMemberGroupErrorCodes } from './mls/crypto/twoMemberGroup.js';
import { mlsErrorCodes } from './mls/mlsErrors.js';
import { paddingErrorCodes } from './privacy/padding.js';
import { policyErrorCodes } from './privacy/selfUpdatePolicy.js';
import { trustErrorCodes } from './privacy/trust.js';
import { SettingsErrorCode } from './settings/userSettings.js';
import { StoreErrorCode } from './store/storageErrors.js';

export const engineErrorCodeLists = {
  engine: EngineErrorCode,
  client: {
    ...ClientErrorCode,
    sendHeldKeyChanged: SEND_HELD_KEY_CHANGED,
    sealedSenderRejected: SEALED_SENDER_REJECTED,
    unexpectedBackgroundError: UNEXPECTED_BACKGROUND_ERROR,
  },
  mls: mlsErrorCodes,
  cryptoProvider: cryptoProviderErrorCodes,
  twoMemberGroupFixture: twoMemberGroupErrorCodes,
  identity: IdentityErrorCode,
  safetyNumber: safetyNumberErrorCodes,
  rotationStatement: RotationErrorCode,
  identityRotation: IdentityRotationErrorCode,
  keySchedule: KeyScheduleErrorCode,
  restoreIdentity: RestoreIdentityErrorCode,
  store: StoreErrorCode,
  hybridEnvelope: HybridEnvelopeErrorCode,
  settings: SettingsErrorCode,
  trust: trustErrorCodes,
  padding: paddingErrorCodes,
  selfUpdatePolicy: policyErrorCodes,
  backup: BackupErrorCode,
  lock: LockErrorCode,
} as const;
