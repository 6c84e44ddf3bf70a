import { createHash } from 'node:crypto';
import { decodeMlsMessage, encodeMlsMessage, type KeyPackage, type MLSMessage, type Welcome } from 'ts-mls';
import type { PrivateMessage } from 'ts-mls';
import { toHex } from '../../lib/bytes.js';
import { mlsErrorCodes, rejectMessage } from './mlsErrors.js';

/** Decodes one whole MLSMessage; trailing bytes or a truncated structure are refused. */
export function decodeWholeMlsMessage(bytes: Uint8Array): MLSMessage {
  let decoded: [MLSMessage, number] | undefined;
  try {
    decoded = decodeMlsMessage(bytes, 0);
  } catch (error) {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'not an MLS message', error);
  }
  if (decoded === undefined || decoded[1] !== bytes.length) {
    throw rejectMessage(mlsErrorCodes.invalidMessage, 'not a complete MLS message');
  }
  return decoded[0];
}

export function encodeKeyPackageMessage(keyPackage: KeyPackage): Uint8Array {
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_key_package', keyPackage });
}

export function encodeWelcomeMessage(welcome: Welcome): Uint8Array {
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_welcome', welcome });
}

export function encodePrivateMessage(privateMessage: PrivateMessage): Uint8Array {
  return encodeMlsMessage({ version: 'mls10', wireformat: 'mls_private_message', privateMessage });
}

/** Stable message id (MessageRecord.id): SHA-256 of the MLS wire bytes, hex. */
export function messageIdOf(bytes: Uint8Array): string {
  return toHex(createHash('sha256').update(bytes).digest());
}
