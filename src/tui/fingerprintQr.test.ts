import { describe, expect, it } from 'vitest';
import { fingerprintQrMatrix } from './fingerprintQr.js';
import { fittingQuietZone, qrTextRows } from './components/FingerprintQr.js';

const rows = (matrix: { modules: readonly (readonly boolean[])[] }): string[] =>
  matrix.modules.map((row) => row.map((dark) => (dark ? '1' : '0')).join(''));

// The fingerprint of 32 zero bytes (docs/identity.md), encoded by an independent encoder (the Python
// "qrcode" package 8.2, mask 2 forced, no border): version 3-L, 29x29 modules.
const zeroKeyFingerprint = '66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925';
const independentRows = [
  '11111110010001100010001111111',
  '10000010110111010010101000001',
  '10111010011101010110101011101',
  '10111010110100000011001011101',
  '10111010001010011011001011101',
  '10000010101000000110001000001',
  '11111110101010101010101111111',
  '00000000000011110000000000000',
  '11111011111010111111110101010',
  '00110101110000111100111000000',
  '00110011010110011011110111000',
  '00110101011100010010111011010',
  '10110011110100001010001110001',
  '11000001001011010110011011111',
  '10000110111000111001001110110',
  '01110001001010110010111011011',
  '00011111000010001000111001110',
  '11011101111001101111010000110',
  '10000111101111100110000010100',
  '10001001001100010001101010100',
  '10001011110110000100111110110',
  '00000000101010000111100010100',
  '11111110110010010011101011110',
  '10000010010011100001100010010',
  '10111010101010010010111110110',
  '10111010110011010101000100011',
  '10111010111100111000110100110',
  '10000010111100001011011100011',
  '11111110101111000000101110010',
];

describe('fingerprintQrMatrix (qrcode package)', () => {
  it('matches an independent encoder for the same text, level and mask', () => {
    const matrix = fingerprintQrMatrix(zeroKeyFingerprint, 2);
    expect(matrix.size).toBe(29);
    expect(rows(matrix)).toEqual(independentRows);
  });

  it('fits a 64-digit fingerprint in version 3 with the mask the encoder picks', () => {
    const matrix = fingerprintQrMatrix('ab'.repeat(32));
    expect(matrix.size).toBe(29);
    // The three finder patterns: a dark 7x7 ring around a dark 3x3 core, in three corners.
    for (const [row, column] of [
      [0, 0],
      [0, 22],
      [22, 0],
    ] as const) {
      expect(matrix.modules[row]?.[column]).toBe(true);
      expect(matrix.modules[row + 1]?.[column + 1]).toBe(false);
      expect(matrix.modules[row + 3]?.[column + 3]).toBe(true);
    }
  });
});

describe('qrTextRows', () => {
  it('draws two modules per cell, light modules as blocks, inside the quiet zone', () => {
    const matrix = {
      size: 2,
      modules: [
        [true, false],
        [false, true],
      ],
    };
    expect(qrTextRows(matrix, 1)).toEqual(['█▀██', '██▄█']);
  });

  it('picks the widest quiet zone that fits, or none', () => {
    expect(fittingQuietZone(29, 20, 40)).toBe(4);
    expect(fittingQuietZone(29, 16, 31)).toBe(1);
    expect(fittingQuietZone(29, 10, 80)).toBeUndefined();
  });
});
