import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { ScalarType } from '@bufbuild/protobuf';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { utf8 } from '../lib/bytes.js';
import { CodecError } from '../lib/errors.js';
import { CodecErrorCode } from './codecErrors.js';
import { FIELD_LIMITS, type FieldLimit } from './limits.js';

/** Our schema nests at most three deep; anything deeper is hostile input. */
const MAX_NESTING = 8;

function fail(code: CodecErrorCode, message: string): never {
  throw new CodecError(code, message);
}

function limitOf(desc: DescMessage, field: DescField): FieldLimit | undefined {
  return FIELD_LIMITS[desc.typeName]?.[field.name];
}

/** Number of entries in a packed repeated scalar field, without decoding them. */
function countPacked(data: Uint8Array, scalar: ScalarType): number {
  switch (scalar) {
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
    case ScalarType.FLOAT:
      return Math.ceil(data.length / 4);
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
    case ScalarType.DOUBLE:
      return Math.ceil(data.length / 8);
    default: {
      // Varints: every entry ends with exactly one byte whose high bit is clear.
      let count = 0;
      for (const byte of data) if ((byte & 0x80) === 0) count++;
      return count;
    }
  }
}

/**
 * Walks the wire bytes of one message before protobuf-es decodes them and enforces FIELD_LIMITS on
 * sizes and entry counts, so an oversized field or an overlong list is refused before anything is
 * allocated for it. Nested messages are walked too. Structural damage is left to the decoder.
 */
export function checkWireLimits(desc: DescMessage, bytes: Uint8Array, depth = 0): void {
  if (depth > MAX_NESTING) fail(CodecErrorCode.MalformedPayload, 'message nested too deeply');
  const counts = new Map<number, number>();
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    const field = desc.fields.find((f) => f.number === fieldNo);
    if (wireType !== WireType.LengthDelimited) {
      reader.skip(wireType, fieldNo);
      if (field?.fieldKind === 'list') addItems(desc, field, counts, 1);
      continue;
    }
    const data = reader.bytes();
    if (!field) continue; // unknown field from a newer schema: bounded by the frame, ignored
    const limit = limitOf(desc, field);
    if (field.fieldKind === 'list' && field.listKind === 'scalar' && !isBytesLike(field.scalar)) {
      addItems(desc, field, counts, countPacked(data, field.scalar));
      continue;
    }
    if (field.fieldKind === 'list') addItems(desc, field, counts, 1);
    if (limit?.maxBytes !== undefined && data.length > limit.maxBytes) {
      fail(
        CodecErrorCode.FieldTooLarge,
        `${desc.typeName}.${field.name} holds ${data.length} bytes, over the limit of ${limit.maxBytes}`,
      );
    }
    if (limit?.exactBytes !== undefined && data.length !== limit.exactBytes) {
      fail(
        CodecErrorCode.InvalidField,
        `${desc.typeName}.${field.name} must be ${limit.exactBytes} bytes, not ${data.length}`,
      );
    }
    const nested =
      field.fieldKind === 'message' ? field.message : field.fieldKind === 'list' ? field.message : undefined;
    if (nested) checkWireLimits(nested, data, depth + 1);
  }
}

function isBytesLike(scalar: ScalarType): boolean {
  return scalar === ScalarType.BYTES || scalar === ScalarType.STRING;
}

function addItems(desc: DescMessage, field: DescField, counts: Map<number, number>, items: number): void {
  const total = (counts.get(field.number) ?? 0) + items;
  counts.set(field.number, total);
  const max = limitOf(desc, field)?.maxItems;
  if (max !== undefined && total > max) {
    fail(CodecErrorCode.TooManyItems, `${desc.typeName}.${field.name} has more than ${max} entries`);
  }
}

function fieldValue(message: Record<string, unknown>, field: DescField): unknown {
  if (field.oneof) {
    const holder = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
    return holder?.case === field.localName ? holder.value : undefined;
  }
  return message[field.localName];
}

function valueSize(value: unknown): number | undefined {
  if (value instanceof Uint8Array) return value.length;
  if (typeof value === 'string') return utf8(value).length;
  if (Array.isArray(value)) return value.length;
  return undefined;
}

/**
 * Checks a decoded (or about to be encoded) message against FIELD_LIMITS: required fields, fixed
 * lengths, patterns, integer bounds and list sizes; then the nested messages.
 */
export function checkFieldValues(desc: DescMessage, message: object, depth = 0): void {
  if (depth > MAX_NESTING) fail(CodecErrorCode.MalformedPayload, 'message nested too deeply');
  const record = message as Record<string, unknown>;
  for (const field of desc.fields) {
    const value = fieldValue(record, field);
    const limit = limitOf(desc, field);
    const where = `${desc.typeName}.${field.name}`;
    if (limit) checkOne(where, field, limit, value);
    if (field.fieldKind === 'message' && value !== undefined) {
      checkFieldValues(field.message, value as object, depth + 1);
    } else if (field.fieldKind === 'list' && field.listKind === 'message' && Array.isArray(value)) {
      for (const entry of value) checkFieldValues(field.message, entry as object, depth + 1);
    }
  }
}

function checkOne(where: string, field: DescField, limit: FieldLimit, value: unknown): void {
  const size = valueSize(value);
  if (limit.required && (value === undefined || size === 0)) {
    fail(CodecErrorCode.InvalidField, `${where} is required`);
  }
  const entries: unknown[] = field.fieldKind === 'list' && Array.isArray(value) ? value : [value];
  if (field.fieldKind === 'list' && limit.maxItems !== undefined && entries.length > limit.maxItems) {
    fail(CodecErrorCode.TooManyItems, `${where} has ${entries.length} entries, over ${limit.maxItems}`);
  }
  for (const entry of entries) {
    if (entry === undefined) continue;
    const bytes = entry instanceof Uint8Array || typeof entry === 'string' ? valueSize(entry) : undefined;
    if (bytes !== undefined && limit.maxBytes !== undefined && bytes > limit.maxBytes) {
      fail(
        CodecErrorCode.FieldTooLarge,
        `${where} holds ${bytes} bytes, over the limit of ${limit.maxBytes}`,
      );
    }
    // An absent optional field is empty, not wrong-sized; `required` covers absence.
    if (bytes !== undefined && bytes > 0 && limit.exactBytes !== undefined && bytes !== limit.exactBytes) {
      fail(CodecErrorCode.InvalidField, `${where} must be ${limit.exactBytes} bytes, not ${bytes}`);
    }
    if (limit.pattern && typeof entry === 'string' && entry.length > 0 && !limit.pattern.test(entry)) {
      fail(CodecErrorCode.InvalidField, `${where} does not match ${String(limit.pattern)}`);
    }
    if (limit.maxValue !== undefined && typeof entry === 'number' && entry > limit.maxValue) {
      fail(CodecErrorCode.InvalidField, `${where} is ${entry}, over ${limit.maxValue}`);
    }
  }
}
