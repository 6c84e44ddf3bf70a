/**
 * The fingerprint as a QR matrix, from the `qrcode` package (a well-kept encoder, the same one
 * src/engine/identity/safetyNumber.ts uses) rather than an encoder of our own.
 */
import QRCode from 'qrcode';

export interface QrMatrix {
  /** Modules per side. */
  readonly size: number;
  /** True for a dark module; rows top to bottom. */
  readonly modules: readonly (readonly boolean[])[];
}

/**
 * Upper-case hex is QR "alphanumeric": the 64 digits of a fingerprint fit version 3-L (29x29 modules),
 * small enough for an 80x24 terminal. `maskPattern` is for tests that compare against a fixed vector;
 * by default the encoder picks the mask with the lowest penalty.
 */
export function fingerprintQrMatrix(fingerprintHex: string, maskPattern?: number): QrMatrix {
  const code = QRCode.create(fingerprintHex.toUpperCase(), {
    errorCorrectionLevel: 'L',
    ...(maskPattern === undefined ? {} : { maskPattern: maskPattern as QRCode.QRCodeMaskPattern }),
  });
  const { size, data } = code.modules;
  const modules: boolean[][] = [];
  for (let row = 0; row < size; row += 1) {
    modules.push(Array.from(data.subarray(row * size, (row + 1) * size), (bit) => bit === 1));
  }
  return { size, modules };
}
