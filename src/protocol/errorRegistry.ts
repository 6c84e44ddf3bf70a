/**
 * Every error code of src/protocol, one list per feature (docs/architecture.md, "Errors"). The wire's
 * own codes (qpc.v1.Error.code) are WireErrorCode; the others never leave the process that raised them.
 */
import { CodecErrorCode } from './codecErrors.js';
import { WireErrorCode } from './errorCodes.js';
import { ProtocolErrorCode } from './signedBytes.js';

export const protocolErrorCodeLists = {
  wire: WireErrorCode,
  codec: CodecErrorCode,
  signedBytes: ProtocolErrorCode,
} as const;
