/**
 * Screen geometry derived from the terminal size, shared by the reducer (page sizes) and the
 * components (how many rows to draw), so both agree on what is on screen.
 */

export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

export interface ScreenLayout {
  readonly tooSmall: boolean;
  readonly groupsWidth: number;
  /** Rows inside the group pane for group entries. */
  readonly groupRows: number;
  /** Rows and columns inside the message pane available for message rows. */
  readonly messageRows: number;
  readonly messageWidth: number;
  readonly composerRows: number;
  readonly mainHeight: number;
}

export const minimumSize: TerminalSize = { columns: 40, rows: 12 };
export const defaultSize: TerminalSize = { columns: 80, rows: 24 };
export const maxComposerRows = 4;

const statusBarRows = 1;
const statusLineRows = 1;
const borderRows = 2;
const borderColumns = 2;
const paneTitleRows = 1;

export function computeLayout(size: TerminalSize, composerLineCount: number): ScreenLayout {
  const composerRows = Math.min(maxComposerRows, Math.max(1, composerLineCount));
  const tooSmall = size.columns < minimumSize.columns || size.rows < minimumSize.rows;
  const mainHeight = Math.max(0, size.rows - statusBarRows - statusLineRows - (composerRows + borderRows));
  const groupsWidth = Math.min(28, Math.max(16, Math.floor(size.columns / 4)));
  const inner = Math.max(0, mainHeight - borderRows - paneTitleRows);
  return {
    tooSmall,
    groupsWidth,
    groupRows: inner,
    messageRows: inner,
    messageWidth: Math.max(1, size.columns - groupsWidth - borderColumns * 2),
    composerRows,
    mainHeight,
  };
}
