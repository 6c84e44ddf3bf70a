/**
 * tmux 3.3a draws a ZWJ sequence (👨‍👩‍👧: man, ZWJ, woman, ZWJ, girl) as one two-column cell only when the
 * character after each joiner (U+200D) arrives in the same read as the joiner. Measured there: a read
 * that ends right after a joiner makes tmux start a new cell with the next emoji, so the family takes
 * four or six columns where the layout counted two, and the row and its border are pushed right. Ink
 * writes a frame in one write, but tmux reads the pty in pieces that can end anywhere, more often on a
 * loaded machine; a read that ends before the joiner is harmless (tmux joins it to the cell before).
 *
 * Inside tmux each ZWJ sequence is followed by a cursor move to the column where the layout puts the
 * next character (CHA, `ESC [ n G`): drawn whole, the move goes nowhere; drawn apart, the next text
 * overwrites the extra cells (the family shows as its first person for that frame). Where its parts
 * could not all fit before the right edge (a split there would wrap the row), or where the column is not
 * known, only the first part is written, padded to the laid-out width. The text itself is unchanged.
 */
import stringWidth from 'string-width';

const ZWJ = '\u200d';
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export type ZwjMode = 'keep' | 'guard';

/**
 * `QPC_ZWJ=keep|guard` decides; otherwise guard inside tmux (as for skin tones, tmuxEmoji.ts), keep
 * elsewhere.
 */
export function zwjModeFrom(env: NodeJS.ProcessEnv): ZwjMode {
  const asked = env['QPC_ZWJ'];
  if (asked === 'keep' || asked === 'guard') return asked;
  const inTmux = (env['TMUX'] ?? '') !== '' || env['TERM_PROGRAM'] === 'tmux';
  return inTmux ? 'guard' : 'keep';
}

/** CSI sequences that leave the cursor's column where it is. */
const columnKeeping = new Set(['A', 'B', 'J', 'K', 'm', 'h', 'l', 'S', 'T', 'X', 'P', '@', 'q', 'r']);

/** Where the cursor is after a CSI sequence with these parameters and final byte, from column `col`. */
function columnAfterCsi(col: number | undefined, params: string, final: string): number | undefined {
  const numbers = params.split(';').map((part) => Number.parseInt(part, 10));
  const first = Number.isFinite(numbers[0]) ? (numbers[0] ?? 1) : 1;
  const second = Number.isFinite(numbers[1]) ? (numbers[1] ?? 1) : 1;
  if (final === 'G' || final === '`') return Math.max(0, first - 1);
  if (final === 'H' || final === 'f') return Math.max(0, second - 1);
  if (final === 'E' || final === 'F') return 0;
  if (final === 'C') return col === undefined ? undefined : col + Math.max(1, first);
  if (final === 'D') return col === undefined ? undefined : Math.max(0, col - Math.max(1, first));
  if (params.startsWith('?') || columnKeeping.has(final)) return col;
  return undefined;
}

/** The end of the escape sequence starting at `start` (the index after it), or -1 when cut off. */
function escapeEnd(text: string, start: number): { end: number; csi?: { params: string; final: string } } {
  const kind = text[start + 1];
  if (kind === undefined) return { end: -1 };
  if (kind === '[') {
    let index = start + 2;
    while (index < text.length && /[\x30-\x3f]/u.test(text[index] ?? '')) index += 1;
    const paramsEnd = index;
    while (index < text.length && /[\x20-\x2f]/u.test(text[index] ?? '')) index += 1;
    const final = text[index];
    if (final === undefined) return { end: -1 };
    return { end: index + 1, csi: { params: text.slice(start + 2, paramsEnd), final } };
  }
  if (kind === ']' || kind === 'P' || kind === '_' || kind === '^') {
    // A string sequence (OSC, DCS...): up to BEL or ST (ESC \).
    for (let index = start + 2; index < text.length; index += 1) {
      if (text[index] === '\x07') return { end: index + 1 };
      if (text[index] === '\x1b' && text[index + 1] === '\\') return { end: index + 2 };
    }
    return { end: -1 };
  }
  return { end: start + 2 };
}

/** A ZWJ sequence as written: whole with a cursor move after it, or its first part only. */
function guardedCluster(cluster: string, col: number | undefined, width: number, columns: number): string {
  const parts = cluster.split(ZWJ).filter((part) => part !== '');
  const widest = parts.reduce((sum, part) => sum + Math.max(2, stringWidth(part)), 0);
  if (col !== undefined && col + widest <= columns) return `${cluster}\x1b[${col + width + 1}G`;
  const first = parts[0] ?? '';
  return first + ' '.repeat(Math.max(0, width - stringWidth(first)));
}

/** Text without escapes or controls, from column `col`: the text to write and the column after it. */
function guardText(
  text: string,
  col: number | undefined,
  columns: number,
): { text: string; col: number | undefined } {
  if (!text.includes(ZWJ)) return { text, col: col === undefined ? undefined : col + stringWidth(text) };
  let out = '';
  let at = col;
  for (const { segment } of graphemes.segment(text)) {
    const width = stringWidth(segment);
    out += segment.includes(ZWJ) && width > 0 ? guardedCluster(segment, at, width, columns) : segment;
    at = at === undefined ? undefined : at + width;
  }
  return { text: out, col: at };
}

/**
 * `chunk` with every ZWJ sequence guarded. Each write is read on its own, from an unknown column:
 * Ink starts every frame by moving the cursor (erasing the last frame, or clearing the screen).
 */
export function guardZwjSequences(chunk: string, columns: number): string {
  if (!chunk.includes(ZWJ)) return chunk;
  let out = '';
  let col: number | undefined;
  let runStart = 0;
  const flushText = (end: number): void => {
    if (end <= runStart) return;
    const guarded = guardText(chunk.slice(runStart, end), col, columns);
    out += guarded.text;
    col = guarded.col;
  };
  for (let index = 0; index < chunk.length;) {
    const char = chunk[index] ?? '';
    if (char === '\x1b') {
      flushText(index);
      const { end, csi } = escapeEnd(chunk, index);
      if (end === -1) {
        // Cut off at the end of the write: passed on as it is.
        out += chunk.slice(index);
        return out;
      }
      out += chunk.slice(index, end);
      if (csi !== undefined) col = columnAfterCsi(col, csi.params, csi.final);
      else if (chunk[index + 1] === '8') col = undefined; // restore cursor: unknown here
      index = end;
      runStart = end;
      continue;
    }
    if (char < ' ' || char === '\x7f') {
      flushText(index);
      out += char;
      if (char === '\n' || char === '\r') col = 0;
      else if (char === '\b') col = col === undefined ? undefined : Math.max(0, col - 1);
      else if (char === '\t') col = undefined;
      index += 1;
      runStart = index;
      continue;
    }
    index += 1;
  }
  flushText(chunk.length);
  return out;
}
