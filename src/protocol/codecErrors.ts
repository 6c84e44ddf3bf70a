/** Stable codes of wire decoding failures. Values never change once released (docs/protocol.md). */
export const CodecErrorCode = {
  FrameTooLarge: 'CODEC_FRAME_TOO_LARGE',
  TruncatedFrame: 'CODEC_TRUNCATED_FRAME',
  MalformedPayload: 'CODEC_MALFORMED_PAYLOAD',
  UnsupportedVersion: 'CODEC_UNSUPPORTED_VERSION',
  UnknownMethod: 'CODEC_UNKNOWN_METHOD',
} as const;

export type CodecErrorCode = (typeof CodecErrorCode)[keyof typeof CodecErrorCode];
