/** The bottom line: the last error or notice, else the keys of the pane that has focus. */
import { Text } from 'ink';
import type { StatusLine as StatusLineState } from '../state/appState.js';
import { useTheme } from './theme.js';

export function StatusLine({
  status,
  hints,
}: {
  readonly status: StatusLineState | null;
  /** Short key hints of the focused pane (from the key table); empty while an overlay shows its own. */
  readonly hints: readonly string[];
}) {
  const theme = useTheme();
  if (status === null) {
    if (hints.length === 0) return <Text> </Text>;
    return (
      <Text color={theme.muted} wrap="truncate-end">
        {hints.join(' · ')}
      </Text>
    );
  }
  const isError = status.tone === 'error';
  return (
    <Text color={isError ? theme.danger : theme.good} bold={isError} wrap="truncate-end">
      {isError ? '✗ ' : '✓ '}
      {status.text}
    </Text>
  );
}
