/**
 * A small QR code encoder (ISO/IEC 18004), enough for a fingerprint: alphanumeric mode, versions
 * 1-6, error correction L or M. Hex digits upper-cased are QR alphanumeric characters, so the 64-digit
 * fingerprint fits version 3-L (29x29 modules). Pure: text in, a matrix of booleans (true = dark) out.
 */
import { buildMatrix, penaltyScore } from './qrMatrix.js';

export type ErrorCorrection = 'L' | 'M';

export interface QrMatrix {
  readonly version: number;
  readonly size: number;
  readonly mask: number;
  /** modules[row][column], true = dark. */
  readonly modules: readonly (readonly boolean[])[];
}

const alphanumericCharset = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

interface BlockLayout {
  readonly ecPerBlock: number;
  readonly blocks: number;
}

/** Per version (index 1-6): total codewords, and the block layout per level (ISO 18004, table 9). */
const versionTable: readonly { total: number; L: BlockLayout; M: BlockLayout; alignment: number[] }[] = [
  { total: 0, L: { ecPerBlock: 0, blocks: 0 }, M: { ecPerBlock: 0, blocks: 0 }, alignment: [] },
  { total: 26, L: { ecPerBlock: 7, blocks: 1 }, M: { ecPerBlock: 10, blocks: 1 }, alignment: [] },
  { total: 44, L: { ecPerBlock: 10, blocks: 1 }, M: { ecPerBlock: 16, blocks: 1 }, alignment: [6, 18] },
  { total: 70, L: { ecPerBlock: 15, blocks: 1 }, M: { ecPerBlock: 26, blocks: 1 }, alignment: [6, 22] },
  { total: 100, L: { ecPerBlock: 20, blocks: 1 }, M: { ecPerBlock: 18, blocks: 2 }, alignment: [6, 26] },
  { total: 134, L: { ecPerBlock: 26, blocks: 1 }, M: { ecPerBlock: 24, blocks: 2 }, alignment: [6, 30] },
  { total: 172, L: { ecPerBlock: 18, blocks: 2 }, M: { ecPerBlock: 16, blocks: 4 }, alignment: [6, 34] },
];
export const maxSupportedVersion = versionTable.length - 1;

// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
const gfExp = new Uint8Array(512);
const gfLog = new Uint8Array(256);
{
  let value = 1;
  for (let power = 0; power < 255; power += 1) {
    gfExp[power] = value;
    gfLog[value] = power;
    value <<= 1;
    if (value & 0x100) value ^= 0x11d;
  }
  for (let power = 255; power < 512; power += 1) gfExp[power] = gfExp[power - 255] ?? 0;
}

function gfMultiply(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : (gfExp[(gfLog[a] ?? 0) + (gfLog[b] ?? 0)] ?? 0);
}

/** The error correction codewords of one block: the remainder of data * x^n by the generator. */
export function reedSolomonRemainder(data: readonly number[], ecCount: number): number[] {
  // Generator coefficients, highest degree first (the leading 1 implied).
  let generator = [1];
  for (let root = 0; root < ecCount; root += 1) {
    const next = new Array<number>(generator.length + 1).fill(0);
    generator.forEach((coefficient, index) => {
      next[index] = (next[index] ?? 0) ^ coefficient;
      next[index + 1] = (next[index + 1] ?? 0) ^ gfMultiply(coefficient, gfExp[root] ?? 0);
    });
    generator = next;
  }
  const remainder = new Array<number>(ecCount).fill(0);
  for (const byte of data) {
    const factor = byte ^ (remainder.shift() ?? 0);
    remainder.push(0);
    for (let index = 0; index < ecCount; index += 1) {
      remainder[index] = (remainder[index] ?? 0) ^ gfMultiply(generator[index + 1] ?? 0, factor);
    }
  }
  return remainder;
}

function dataCodewordCount(version: number, level: ErrorCorrection): number {
  const entry = versionTable[version];
  if (entry === undefined) return 0;
  const layout = entry[level];
  return entry.total - layout.ecPerBlock * layout.blocks;
}

/** The data codewords for alphanumeric `text` (mode, count, pairs, terminator, padding). */
export function encodeAlphanumeric(text: string, version: number, level: ErrorCorrection): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number): void => {
    for (let bit = length - 1; bit >= 0; bit -= 1) bits.push((value >>> bit) & 1);
  };
  push(0b0010, 4);
  push(text.length, 9); // character count: 9 bits for versions 1-9
  const values = [...text].map((char) => alphanumericCharset.indexOf(char));
  for (let index = 0; index < values.length; index += 2) {
    const first = values[index] ?? 0;
    const second = values[index + 1];
    if (second === undefined) push(first, 6);
    else push(first * 45 + second, 11);
  }
  const capacityBits = dataCodewordCount(version, level) * 8;
  push(0, Math.min(4, capacityBits - bits.length));
  while (bits.length % 8 !== 0) bits.push(0);
  const codewords: number[] = [];
  for (let index = 0; index < bits.length; index += 8) {
    codewords.push(bits.slice(index, index + 8).reduce((byte, bit) => (byte << 1) | bit, 0));
  }
  for (let pad = 0; codewords.length < capacityBits / 8; pad += 1)
    codewords.push(pad % 2 === 0 ? 0xec : 0x11);
  return codewords;
}

/** Splits data into blocks, adds error correction, and interleaves (ISO 18004, 7.6). */
export function finalCodewords(data: readonly number[], version: number, level: ErrorCorrection): number[] {
  const entry = versionTable[version];
  if (entry === undefined) throw new RangeError(`QR version ${version} is not supported`);
  const { ecPerBlock, blocks } = entry[level];
  const shortLength = Math.floor(data.length / blocks);
  const longBlocks = data.length % blocks;
  const dataBlocks: number[][] = [];
  let offset = 0;
  for (let block = 0; block < blocks; block += 1) {
    const length = shortLength + (block >= blocks - longBlocks ? 1 : 0);
    dataBlocks.push(data.slice(offset, offset + length));
    offset += length;
  }
  const ecBlocks = dataBlocks.map((block) => reedSolomonRemainder(block, ecPerBlock));
  const out: number[] = [];
  for (let index = 0; index <= shortLength; index += 1) {
    for (const block of dataBlocks) if (index < block.length) out.push(block[index] ?? 0);
  }
  for (let index = 0; index < ecPerBlock; index += 1)
    for (const block of ecBlocks) out.push(block[index] ?? 0);
  return out;
}

/** The 15 format bits for a level and mask: BCH(15,5) then XOR 0x5412 (ISO 18004, 7.9). */
export function formatBits(level: ErrorCorrection, mask: number): number {
  const data = ((level === 'L' ? 0b01 : 0b00) << 3) | mask;
  let remainder = data;
  for (let step = 0; step < 10; step += 1) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | (remainder & 0x3ff)) ^ 0x5412;
}

const maskFunctions: readonly ((row: number, column: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_r, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

export function maskFunction(mask: number): (row: number, column: number) => boolean {
  const fn = maskFunctions[mask];
  if (fn === undefined) throw new RangeError(`QR mask ${mask} does not exist`);
  return fn;
}

export function smallestVersion(text: string, level: ErrorCorrection): number | undefined {
  const neededBits = 4 + 9 + Math.floor(text.length / 2) * 11 + (text.length % 2) * 6;
  for (let version = 1; version <= maxSupportedVersion; version += 1) {
    if (dataCodewordCount(version, level) * 8 >= neededBits) return version;
  }
  return undefined;
}

/**
 * Encodes alphanumeric text (0-9, A-Z, space and $%*+-./:) as a QR code. The mask is the one with the
 * lowest penalty, unless `forceMask` is given (tests compare against another encoder with it).
 */
export function encodeQr(text: string, level: ErrorCorrection = 'L', forceMask?: number): QrMatrix {
  for (const char of text) {
    if (!alphanumericCharset.includes(char))
      throw new RangeError(`"${char}" is not a QR alphanumeric character`);
  }
  const version = smallestVersion(text, level);
  if (version === undefined) throw new RangeError('text too long for the QR versions supported here');
  const codewords = finalCodewords(encodeAlphanumeric(text, version, level), version, level);
  const alignment = versionTable[version]?.alignment ?? [];
  const masks = forceMask === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [forceMask];
  let best: QrMatrix | undefined;
  let bestScore = Infinity;
  for (const mask of masks) {
    const modules = buildMatrix(version, alignment, codewords, maskFunction(mask), formatBits(level, mask));
    const score = penaltyScore(modules);
    if (score < bestScore) {
      bestScore = score;
      best = { version, size: modules.length, mask, modules };
    }
  }
  if (best === undefined) throw new RangeError('no QR mask chosen');
  return best;
}
