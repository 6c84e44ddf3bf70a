import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import { checkFieldValues, checkWireLimits } from './wireLimits.js';

/**
 * Decodes one message of `schema`: limits are checked on the raw bytes first (before allocation),
 * then protobuf-es parses, then the field rules run. Throws only CodecError.
 */
export function decodeChecked<Desc extends DescMessage>(schema: Desc, bytes: Uint8Array): MessageShape<Desc> {
  try {
    checkWireLimits(schema, bytes);
    const message = fromBinary(schema, bytes);
    checkFieldValues(schema, message);
    return message;
  } catch (error) {
    throw asCodecError(error, schema.typeName);
  }
}

/** Encodes a message after checking the same field rules a decoder applies, so we never send junk. */
export function encodeChecked<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): Uint8Array {
  try {
    checkFieldValues(schema, message);
    return toBinary(schema, message);
  } catch (error) {
    throw asCodecError(error, schema.typeName);
  }
}

function asCodecError(error: unknown, typeName: string): CodecError {
  if (error instanceof CodecError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new CodecError(CodecErrorCode.MalformedPayload, `cannot decode ${typeName}: ${reason}`, {
    cause: error,
  });
}
