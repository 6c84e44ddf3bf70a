/**
 * The safety number with one member (docs/tui.md): 12 groups of 5 digits to read aloud and the
 * engine's QR code as text to scan. A changed key is said loudly, with the key that accepts it.
 */
import { Box, Text } from 'ink';
import type { SafetyNumberView, VerificationState } from '../engineApi.js';
import { OverlayFrame } from './OverlayFrame.js';
import { useTheme } from './theme.js';

export interface SafetyNumberOverlayProps {
  readonly username: string;
  readonly verification: VerificationState;
  readonly view: SafetyNumberView | null;
  readonly height: number;
  readonly width: number;
}

/** The digits take this many columns; the QR code gets the rest. */
const digitsWidth = 30;

const stateLines: Record<VerificationState, string> = {
  unverified: 'not verified yet',
  verified: '✓ verified',
  changed: '!! KEY CHANGED',
};

function KeyChangedWarning({ username }: { readonly username: string }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column">
      <Text bold color={theme.danger} inverse wrap="truncate-end">
        {` !! WARNING: the identity key of ${username} CHANGED since you verified it `}
      </Text>
      <Text color={theme.danger} wrap="truncate-end">
        Sending to groups with {username} is held until you compare and press a.
      </Text>
    </Box>
  );
}

export function SafetyNumberOverlay({
  username,
  verification,
  view,
  height,
  width,
}: SafetyNumberOverlayProps) {
  const theme = useTheme();
  const changed = verification === 'changed';
  const footer = changed
    ? `a accept the new key · v mark verified · Esc back`
    : `compare with ${username}'s screen; press v to mark verified, Esc to close`;
  const title = `Safety number with ${username}`;
  if (view === null) {
    return (
      <OverlayFrame title={title} footer={footer} height={height}>
        {changed ? <KeyChangedWarning username={username} /> : null}
        <Text color={theme.muted}>computing…</Text>
      </OverlayFrame>
    );
  }
  const rows = [0, 4, 8].map((start) => view.groups.slice(start, start + 4).join(' '));
  // Border, title, footer and the warning take rows; a clipped code says so rather than scanning wrong.
  const qrRows = Math.max(0, height - 4 - (changed ? 2 : 0));
  const qrLines = view.qr.split('\n').filter((line) => line.trim() !== '');
  const qrFits =
    qrLines.length <= qrRows && qrLines.every((line) => [...line].length <= width - digitsWidth - 4);
  return (
    <OverlayFrame title={title} footer={footer} height={height}>
      {changed ? <KeyChangedWarning username={username} /> : null}
      <Box>
        <Box flexDirection="column" width={digitsWidth} flexShrink={0}>
          <Text bold>Safety number:</Text>
          {rows.map((row, index) => (
            <Text key={index}>{row}</Text>
          ))}
          <Text> </Text>
          <Text
            color={changed ? theme.danger : verification === 'verified' ? theme.good : theme.muted}
            bold={changed}
          >
            {stateLines[verification]}
          </Text>
          <Text> </Text>
          <Text wrap="wrap">The same digits show on both screens only if nobody is in between.</Text>
        </Box>
        {qrFits ? (
          <Box flexDirection="column">
            {qrLines.map((line, index) => (
              <Text key={index}>{line}</Text>
            ))}
          </Box>
        ) : (
          <Text color={theme.muted} wrap="wrap">
            (the QR code needs {qrLines.length} rows: enlarge the terminal, or run qpc safety-number{' '}
            {username})
          </Text>
        )}
      </Box>
    </OverlayFrame>
  );
}
