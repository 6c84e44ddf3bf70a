/** The bottom line: the last error or notice, else a short key reminder. */
import { Text } from 'ink';
import type { StatusLine as StatusLineState } from '../state/appState.js';
import { useTheme } from './theme.js';

export function StatusLine({
  status,
  showHint,
}: {
  readonly status: StatusLineState | null;
  readonly showHint: boolean;
}) {
  const theme = useTheme();
  if (status === null) {
    if (!showHint) return <Text> </Text>;
    return (
      <Text color={theme.muted} wrap="truncate-end">
        Tab panes · Enter send · ? help · Ctrl-N new group · m members · i identity · q quit
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
