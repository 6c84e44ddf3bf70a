/**
 * Every error code of src/server: the server's own list and each feature's (docs/architecture.md,
 * "Errors"). A new feature list is added here; the registry test checks that no code is spelled as a
 * bare string in src/server and that no two entries (here or in src/protocol and src/lib) share a value.
 */
import { AuthErrorCode } from './auth/authErrors.js';
import { DeliveryErrorCode } from './delivery/deliveryErrors.js';
import { OpsErrorCode } from './ops/opsErrors.js';
import { RateLimitErrorCode } from './rateLimit/slidingWindowLimiter.js';
import { ServerErrorCode } from './serverErrors.js';
import { StorageErrorCode } from './storage/storageErrors.js';
import { TlsErrorCode } from './tls/tlsErrors.js';

export const serverErrorCodeLists = {
  server: ServerErrorCode,
  auth: AuthErrorCode,
  delivery: DeliveryErrorCode,
  storage: StorageErrorCode,
  ops: OpsErrorCode,
  tls: TlsErrorCode,
  rateLimit: RateLimitErrorCode,
} as const;

/** Values two entries share on purpose, and why. */
export const sharedServerErrorCodes: Readonly<Record<string, string>> = {
  COMMIT_CONFLICT: 'the delivery service raises the wire code itself, so the client sees it unchanged',
};
