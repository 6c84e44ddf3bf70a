/** Stable codes of wire decoding failures. Values never change once released (docs/protocol.md). */
export const CodecErrorCode = {
  FrameTooLarge: 'CODEC_FRAME_TOO_LARGE',
  TruncatedFrame: 'CODEC_TRUNCATED_FRAME',
  MalformedPayload: 'CODEC_MALFORMED_PAYLOAD',
  UnsupportedVersion: 'CODEC_UNSUPPORTED_VERSION',
  UnknownMethod: 'CODEC_UNKNOWN_METHOD',
  /** A bytes or string field longer than its documented limit (docs/protocol.md, "Limits"). */
  FieldTooLarge: 'CODEC_FIELD_TOO_LARGE',
  /** A repeated field with more entries than its documented limit. */
  TooManyItems: 'CODEC_TOO_MANY_ITEMS',
  /** A field that is missing, of the wrong fixed length, or breaks its pattern (e.g. a username). */
  InvalidField: 'CODEC_INVALID_FIELD',
} as const;

export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];
