/**
 * The rotation statement as bytes, for where it travels inside MLS: the authenticated data of the
 * external commit that moves our leaf to the new identity key (docs/mls.md, "Identity rotation").
 *
 * Format: 0x01 (version) | the signed bytes of rotationStatement.ts | previous signature (64) | new
 * signature (64). The signed bytes carry their own label and lengths, so the decoder re-reads them field
 * by field and rebuilds them: what is verified is exactly what was decoded.
 */
import { concatBytes, fromUtf8, utf8 } from '../../lib/bytes.js';
import { ValidationError } from '../../lib/errors.js';
import { IDENTITY_ROTATION_LABEL } from '../../protocol/index.js';
import { RotationErrorCode, rotationSignedBytes, type RotationStatement } from './rotationStatement.js';

const VERSION = 1;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const LABEL = utf8(IDENTITY_ROTATION_LABEL);

export function encodeRotationStatement(statement: RotationStatement): Uint8Array {
  return concatBytes(
    Uint8Array.of(VERSION),
    rotationSignedBytes(statement),
    statement.previousSignature,
    statement.newSignature,
  );
}

function malformed(why: string): ValidationError {
  return new ValidationError(RotationErrorCode.badStatement, `not an identity rotation statement: ${why}`);
}

/** Throws IDENTITY_ROTATION_BAD_STATEMENT for anything that is not exactly one encoded statement. */
export function decodeRotationStatement(bytes: Uint8Array): RotationStatement {
  if (bytes.length < 1 + LABEL.length + 2 || bytes[0] !== VERSION) throw malformed('unknown version');
  let offset = 1;
  const label = bytes.subarray(offset, offset + LABEL.length);
  if (!label.every((byte, index) => byte === LABEL[index]) || bytes[offset + LABEL.length] !== 0) {
    throw malformed('wrong label');
  }
  offset += LABEL.length + 1;
  const nameLength = bytes[offset] ?? 0;
  offset += 1;
  const expected = offset + nameLength + 2 * KEY_BYTES + 12 + 2 * SIGNATURE_BYTES;
  if (nameLength === 0 || bytes.length !== expected) throw malformed('wrong length');
  let username: string;
  try {
    username = fromUtf8(bytes.subarray(offset, offset + nameLength));
  } catch (error) {
    throw new ValidationError(RotationErrorCode.badStatement, 'the username is not UTF-8', { cause: error });
  }
  offset += nameLength;
  const take = (length: number): Uint8Array => {
    const part = bytes.slice(offset, offset + length);
    offset += length;
    return part;
  };
  const previousKey = take(KEY_BYTES);
  const newKey = take(KEY_BYTES);
  const tail = take(12);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  const issuedAt = view.getBigUint64(4);
  if (issuedAt > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed('time out of range');
  const statement: RotationStatement = {
    username,
    previousKey,
    newKey,
    keyIndex: view.getUint32(0),
    issuedAt: Number(issuedAt),
    previousSignature: take(SIGNATURE_BYTES),
    newSignature: take(SIGNATURE_BYTES),
  };
  // Validates the fields (index range, lengths) the same way signing did.
  rotationSignedBytes(statement);
  return statement;
}
