/**
 * The composer: the draft with a visible cursor. A long draft shows its last lines around the
 * cursor, and a long line scrolls sideways, so the composer never pushes the panes off screen.
 */
import { Box, Text } from 'ink';
import type { ComposerState } from '../state/composerState.js';
import { composerLines } from '../state/composerState.js';
import { TextField } from './TextField.js';
import { useTheme } from './theme.js';

export interface ComposerProps {
  readonly composer: ComposerState;
  readonly focused: boolean;
  readonly rows: number;
  /** Columns for text, after the border and the prompt. */
  readonly width: number;
  readonly placeholder: string;
}

export function Composer({ composer, focused, rows, width, placeholder }: ComposerProps) {
  const theme = useTheme();
  const { lines, cursorLine, cursorColumn } = composerLines(composer);
  const first = Math.max(0, Math.min(cursorLine - rows + 1, lines.length - rows));
  const shown = lines.slice(first, first + rows);
  // `width` already leaves out the border and the prompt: taking two more columns made a line that
  // fits scroll sideways, hiding its first letters (seen after a resize made the composer narrower).
  const textWidth = Math.max(1, width);
  return (
    <Box borderStyle="round" borderColor={focused ? theme.focusBorder : theme.border} flexDirection="column">
      {shown.map((line, index) => {
        const lineIndex = first + index;
        const prompt = lineIndex === 0 ? (focused ? '▶ ' : '  ') : '  ';
        const showPlaceholder = composer.text === '';
        return (
          <Box key={lineIndex}>
            <Text bold={focused}>{prompt}</Text>
            {focused && lineIndex === cursorLine ? (
              <TextField text={line} cursor={cursorColumn} focused width={textWidth} />
            ) : null}
            {showPlaceholder ? (
              <Text color={theme.muted} wrap="truncate-end">
                {placeholder}
              </Text>
            ) : null}
            {!(focused && lineIndex === cursorLine) && !showPlaceholder ? (
              <Text wrap="truncate-end">{line === '' ? ' ' : line}</Text>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}
