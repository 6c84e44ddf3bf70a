/** Asked before quitting while messages still wait in the outbox. */
import { Text } from 'ink';
import { OverlayFrame } from './OverlayFrame.js';
import { useTheme } from './theme.js';

export function ConfirmQuitOverlay({
  outbox,
  height,
}: {
  readonly outbox: number | null;
  readonly height: number;
}) {
  const theme = useTheme();
  const what =
    outbox === null
      ? 'The outbox could not be checked; messages may not have been sent yet.'
      : `${outbox} message${outbox === 1 ? '' : 's'} still wait${outbox === 1 ? 's' : ''} in the outbox.`;
  return (
    <OverlayFrame title="Quit qpc?" footer="y quit · n or Esc stay" height={height}>
      <Text> </Text>
      <Text bold color={theme.warning}>
        {what}
      </Text>
      <Text>They stay queued and go out the next time you start qpc.</Text>
      <Text> </Text>
      <Text>Quit now? (y/n)</Text>
    </OverlayFrame>
  );
}
