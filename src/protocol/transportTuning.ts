/**
 * The QUIC settings both ends may tune beyond @matrixai/quic's defaults (flow-control windows, stream
 * counts, read chunk size). Congestion control, ack delay and pacing exist in quiche but the library
 * does not pass them through, so they are not here. docs/performance.md ("Transport") has the figures.
 */
export interface QuicTuning {
  initialMaxData?: number;
  initialMaxStreamDataBidiLocal?: number;
  initialMaxStreamDataBidiRemote?: number;
  initialMaxStreamsBidi?: number;
  maxConnectionWindow?: number;
  maxStreamWindow?: number;
  readableChunkSize?: number;
}
