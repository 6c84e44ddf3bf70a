/**
 * One line of a text field with its cursor drawn in reverse video (the terminal cursor stays hidden
 * while Ink runs). Used by every field: composer lines, prompts, passwords (masked), recovery words.
 * Widths are counted by grapheme and terminal column, so an emoji or a CJK character never pushes
 * the line past its width; a line longer than the width scrolls sideways to keep the cursor in view.
 */
import { Text } from 'ink';
import stringWidth from 'string-width';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export interface FieldWindow {
  readonly before: string;
  /** The grapheme under the cursor, or a space at the end of the text. */
  readonly atCursor: string;
  readonly after: string;
}

/** The part of `line` to draw in `width` columns with the cursor (at UTF-16 index `cursor`) visible. */
export function fieldWindow(line: string, cursor: number, width: number): FieldWindow {
  const cells: { text: string; index: number; width: number }[] = [];
  for (const { segment, index } of graphemes.segment(line)) {
    cells.push({ text: segment, index, width: Math.max(1, stringWidth(segment)) });
  }
  let at = cells.findIndex((cell) => cell.index >= cursor);
  if (at === -1) at = cells.length;
  const cursorWidth = cells[at]?.width ?? 1;
  const room = Math.max(1, width);
  // Walk back from the cursor while the cells fit: the cursor cell is always drawn.
  let start = at;
  let used = cursorWidth;
  while (start > 0 && used + (cells[start - 1]?.width ?? 0) <= room) {
    start -= 1;
    used += cells[start]?.width ?? 0;
  }
  let end = at + 1;
  while (end < cells.length && used + (cells[end]?.width ?? 0) <= room) {
    used += cells[end]?.width ?? 0;
    end += 1;
  }
  const join = (from: number, to: number): string =>
    cells
      .slice(from, to)
      .map((cell) => cell.text)
      .join('');
  return { before: join(start, at), atCursor: cells[at]?.text ?? ' ', after: join(at + 1, end) };
}

/** Secrets show one `*` per grapheme, so the length is visible and the text is not. */
export function maskText(text: string): string {
  let stars = '';
  for (const { segment } of graphemes.segment(text)) if (segment !== '') stars += '*';
  return stars;
}

export interface TextFieldProps {
  readonly text: string;
  readonly cursor: number;
  /** Whether the cursor shows (the field has focus). */
  readonly focused: boolean;
  readonly width: number;
  readonly masked?: boolean;
}

export function TextField({ text, cursor, focused, width, masked = false }: TextFieldProps) {
  const shown = masked ? maskText(text) : text;
  const shownCursor = masked ? maskText(text.slice(0, cursor)).length : cursor;
  if (!focused) return <Text wrap="truncate-end">{shown}</Text>;
  const window = fieldWindow(shown, shownCursor, width);
  return (
    <Text>
      {window.before}
      <Text inverse>{window.atCursor}</Text>
      {window.after}
    </Text>
  );
}
