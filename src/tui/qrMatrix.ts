/**
 * QR module placement and mask scoring (ISO/IEC 18004, 7.7-7.9 and 7.8.3), for versions without
 * version information blocks (1-6). Coordinates are [row][column].
 */

type Grid = boolean[][];

function square(size: number): Grid {
  return Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
}

function set(grid: Grid, row: number, column: number, value: boolean): void {
  const line = grid[row];
  if (line !== undefined && column >= 0 && column < line.length) line[column] = value;
}

function get(grid: Grid, row: number, column: number): boolean {
  return grid[row]?.[column] ?? false;
}

/** Draws the function patterns into `modules` and marks them in `reserved`. */
function drawFunctionPatterns(modules: Grid, reserved: Grid, alignment: readonly number[]): void {
  const size = modules.length;
  const mark = (row: number, column: number, dark: boolean): void => {
    if (row < 0 || column < 0 || row >= size || column >= size) return;
    set(modules, row, column, dark);
    set(reserved, row, column, true);
  };
  // Timing patterns.
  for (let index = 0; index < size; index += 1) {
    mark(6, index, index % 2 === 0);
    mark(index, 6, index % 2 === 0);
  }
  // Finder patterns with their light separators, at three corners.
  for (const [top, left] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ] as const) {
    for (let dr = -1; dr <= 7; dr += 1) {
      for (let dc = -1; dc <= 7; dc += 1) {
        const ring = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        mark(top + dr, left + dc, ring !== 2 && ring !== 4);
      }
    }
  }
  // Alignment patterns, except where they would overlap a finder.
  for (const row of alignment) {
    for (const column of alignment) {
      const nearFinder =
        (row === 6 && column === 6) ||
        (row === 6 && column === size - 7) ||
        (row === size - 7 && column === 6);
      if (nearFinder) continue;
      for (let dr = -2; dr <= 2; dr += 1) {
        for (let dc = -2; dc <= 2; dc += 1)
          mark(row + dr, column + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    }
  }
  // Format information areas (filled later) and the dark module.
  for (let index = 0; index < 9; index += 1) {
    set(reserved, 8, index, true);
    set(reserved, index, 8, true);
  }
  for (let index = 0; index < 8; index += 1) {
    set(reserved, 8, size - 1 - index, true);
    set(reserved, size - 1 - index, 8, true);
  }
  mark(size - 8, 8, true);
}

function drawFormatBits(modules: Grid, bits: number): void {
  const size = modules.length;
  const bit = (index: number): boolean => ((bits >>> index) & 1) === 1;
  // First copy, around the top-left finder.
  for (let index = 0; index <= 5; index += 1) set(modules, index, 8, bit(index));
  set(modules, 7, 8, bit(6));
  set(modules, 8, 8, bit(7));
  set(modules, 8, 7, bit(8));
  for (let index = 9; index < 15; index += 1) set(modules, 8, 14 - index, bit(index));
  // Second copy, split between the other two finders.
  for (let index = 0; index < 8; index += 1) set(modules, 8, size - 1 - index, bit(index));
  for (let index = 8; index < 15; index += 1) set(modules, size - 15 + index, 8, bit(index));
  set(modules, size - 8, 8, true);
}

/** Places codewords in the zigzag order, applies the mask to data modules, then writes format bits. */
export function buildMatrix(
  version: number,
  alignment: readonly number[],
  codewords: readonly number[],
  mask: (row: number, column: number) => boolean,
  formatBits: number,
): boolean[][] {
  const size = version * 4 + 17;
  const modules = square(size);
  const reserved = square(size);
  drawFunctionPatterns(modules, reserved, alignment);
  let bitIndex = 0;
  const totalBits = codewords.length * 8;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing pattern takes column 6
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step += 1) {
      const row = upward ? size - 1 - step : step;
      for (let offset = 0; offset < 2; offset += 1) {
        const column = right - offset;
        if (get(reserved, row, column)) continue;
        let dark = false;
        if (bitIndex < totalBits) {
          dark = (((codewords[bitIndex >>> 3] ?? 0) >>> (7 - (bitIndex & 7))) & 1) === 1;
          bitIndex += 1;
        }
        set(modules, row, column, dark !== mask(row, column));
      }
    }
  }
  drawFormatBits(modules, formatBits);
  return modules;
}

/** Lines of the matrix: every row, then every column. */
function lines(modules: readonly (readonly boolean[])[]): boolean[][] {
  const size = modules.length;
  const rows = modules.map((row) => [...row]);
  const columns = Array.from({ length: size }, (_, column) => modules.map((row) => row[column] ?? false));
  return [...rows, ...columns];
}

/** The mask penalty of ISO 18004, 7.8.3: runs, 2x2 blocks, finder-like patterns, dark balance. */
export function penaltyScore(modules: readonly (readonly boolean[])[]): number {
  const size = modules.length;
  let score = 0;
  for (const line of lines(modules)) {
    let run = 1;
    for (let index = 1; index <= line.length; index += 1) {
      if (index < line.length && line[index] === line[index - 1]) run += 1;
      else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    const text = line.map((dark) => (dark ? '1' : '0')).join('');
    for (const pattern of ['10111010000', '00001011101']) {
      for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) score += 40;
    }
  }
  for (let row = 0; row + 1 < size; row += 1) {
    for (let column = 0; column + 1 < size; column += 1) {
      const color = modules[row]?.[column];
      if (
        modules[row]?.[column + 1] === color &&
        modules[row + 1]?.[column] === color &&
        modules[row + 1]?.[column + 1] === color
      ) {
        score += 3;
      }
    }
  }
  const dark = modules.reduce((count, row) => count + row.filter(Boolean).length, 0);
  const percent = (dark * 100) / (size * size);
  score += Math.floor(Math.abs(percent - 50) / 5) * 10;
  return score;
}
