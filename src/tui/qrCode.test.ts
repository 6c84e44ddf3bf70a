import { describe, expect, it } from 'vitest';
import { encodeAlphanumeric, encodeQr, finalCodewords, formatBits, reedSolomonRemainder } from './qrCode.js';

const rows = (matrix: { modules: readonly (readonly boolean[])[] }): string[] =>
  matrix.modules.map((row) => row.map((dark) => (dark ? '1' : '0')).join(''));

describe('QR building blocks', () => {
  // The worked example of the thonky.com QR tutorial: "HELLO WORLD" at 1-M.
  it('encodes "HELLO WORLD" 1-M into the tutorial data and error correction codewords', () => {
    const data = encodeAlphanumeric('HELLO WORLD', 1, 'M');
    expect(data).toEqual([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]);
    expect(reedSolomonRemainder(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
    expect(finalCodewords(data, 1, 'M')).toHaveLength(26);
  });

  // Format information strings, ISO/IEC 18004 Annex C (table C.1), levels L and M.
  it.each([
    ['L', 0, '111011111000100'],
    ['L', 1, '111001011110011'],
    ['L', 2, '111110110101010'],
    ['L', 3, '111100010011101'],
    ['L', 4, '110011000101111'],
    ['L', 5, '110001100011000'],
    ['L', 6, '110110001000001'],
    ['L', 7, '110100101110110'],
    ['M', 0, '101010000010010'],
    ['M', 1, '101000100100101'],
    ['M', 2, '101111001111100'],
    ['M', 3, '101101101001011'],
    ['M', 4, '100010111111001'],
    ['M', 5, '100000011001110'],
    ['M', 6, '100111110010111'],
    ['M', 7, '100101010100000'],
  ] as const)('format bits for %s mask %i', (level, mask, bits) => {
    expect(formatBits(level, mask).toString(2).padStart(15, '0')).toBe(bits);
  });

  it('refuses characters outside the alphanumeric set', () => {
    expect(() => encodeQr('abc')).toThrow(RangeError);
  });
});

describe('encodeQr against an independent encoder', () => {
  // Matrices produced by the Python "qrcode" package 8.2 (mask forced, no border). 80 combinations
  // (versions 1-5, L and M, every mask) were compared while writing this file; two are kept here.
  it('matches for the fingerprint of 32 zero bytes (docs/identity.md), 3-L mask 2', () => {
    const fingerprint = '66687AADF862BD776C8FC18B8E9F8E20089714856EE233B3902A591D0D5F2925';
    const matrix = encodeQr(fingerprint, 'L', 2);
    expect(matrix.version).toBe(3);
    expect(rows(matrix)).toEqual([
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
    ]);
  });

  it('matches for "HELLO WORLD", 1-M mask 6', () => {
    expect(rows(encodeQr('HELLO WORLD', 'M', 6))).toEqual([
      '111111101111101111111',
      '100000101011101000001',
      '101110101110101011101',
      '101110100101001011101',
      '101110101100101011101',
      '100000100001101000001',
      '111111101010101111111',
      '000000000101100000000',
      '100111111000110010111',
      '100001010110111101110',
      '000000111010001100000',
      '001011001111000011000',
      '000110100000011011111',
      '000000001111100101000',
      '111111101100111001111',
      '100000101001110010111',
      '101110101011101000111',
      '101110101101100010100',
      '101110100010001000011',
      '100000100100011100110',
      '111111101001000000010',
    ]);
  });

  it('picks one of the eight masks by penalty and keeps the same data', () => {
    const matrix = encodeQr('HELLO WORLD', 'M');
    expect(matrix.mask).toBeGreaterThanOrEqual(0);
    expect(matrix.mask).toBeLessThan(8);
    expect(rows(matrix)).toEqual(rows(encodeQr('HELLO WORLD', 'M', matrix.mask)));
  });
});
