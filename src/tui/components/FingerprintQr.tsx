/**
 * The fingerprint as a QR code, drawn with half blocks (two modules per character cell). Light
 * modules are drawn and dark ones left blank, which reads correctly on the usual light-on-dark
 * terminal; the quiet zone is drawn too, as wide as the space allows (up to the standard 4 modules).
 */
import { Box, Text } from 'ink';
import { fingerprintQrMatrix } from '../fingerprintQr.js';
import type { QrMatrix } from '../fingerprintQr.js';

const standardQuietZone = 4;

/** Rows of text for the matrix; `quiet` light modules surround it. */
export function qrTextRows(matrix: QrMatrix, quiet: number): string[] {
  const span = matrix.size + quiet * 2;
  const light = (row: number, column: number): boolean => {
    const r = row - quiet;
    const c = column - quiet;
    if (r < 0 || c < 0 || r >= matrix.size || c >= matrix.size) return true;
    return !(matrix.modules[r]?.[c] ?? false);
  };
  const out: string[] = [];
  for (let row = 0; row < span; row += 2) {
    let line = '';
    for (let column = 0; column < span; column += 1) {
      const top = light(row, column);
      const bottom = row + 1 < span ? light(row + 1, column) : false;
      line += top && bottom ? '█' : top ? '▀' : bottom ? '▄' : ' ';
    }
    out.push(line);
  }
  return out;
}

/** The widest quiet zone (4 down to 1) that lets the code fit, or undefined when it cannot. */
export function fittingQuietZone(size: number, maxRows: number, maxColumns: number): number | undefined {
  for (let quiet = standardQuietZone; quiet >= 1; quiet -= 1) {
    const span = size + quiet * 2;
    if (span <= maxColumns && Math.ceil(span / 2) <= maxRows) return quiet;
  }
  return undefined;
}

export interface FingerprintQrProps {
  readonly fingerprintHex: string;
  readonly maxRows: number;
  readonly maxColumns: number;
}

export function FingerprintQr({ fingerprintHex, maxRows, maxColumns }: FingerprintQrProps) {
  const matrix = fingerprintQrMatrix(fingerprintHex);
  const quiet = fittingQuietZone(matrix.size, maxRows, maxColumns);
  if (quiet === undefined) {
    return <Text>(enlarge the terminal to see the QR code)</Text>;
  }
  return (
    <Box flexDirection="column" flexShrink={0}>
      {qrTextRows(matrix, quiet).map((line, index) => (
        <Text key={index}>{line}</Text>
      ))}
    </Box>
  );
}
