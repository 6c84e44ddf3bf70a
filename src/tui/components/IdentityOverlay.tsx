/** My identity: username, fingerprint as text (16 groups of 4) and as a QR code. */
import { Box, Text } from 'ink';
import type { SelfIdentity } from '../engineApi.js';
import { FingerprintQr } from './FingerprintQr.js';
import { OverlayFrame } from './OverlayFrame.js';
import { useTheme } from './theme.js';

export interface IdentityOverlayProps {
  readonly self: SelfIdentity | null;
  readonly height: number;
  readonly width: number;
}

export function IdentityOverlay({ self, height, width }: IdentityOverlayProps) {
  const theme = useTheme();
  const footer = 'Read the fingerprint aloud or scan the code · r recovery words · Esc close';
  if (self === null) {
    return (
      <OverlayFrame title="My identity" footer={footer} height={height}>
        <Text color={theme.muted}>loading…</Text>
      </OverlayFrame>
    );
  }
  const groups = self.fingerprintGroups;
  const rows = [0, 4, 8, 12].map((start) => groups.slice(start, start + 4).join(' '));
  return (
    <OverlayFrame title="My identity" footer={footer} height={height}>
      <Box>
        <Box flexDirection="column" width={30} flexShrink={0}>
          <Text>
            Username: <Text bold>{self.username}</Text>
          </Text>
          <Text> </Text>
          <Text bold>Fingerprint (SHA-256):</Text>
          {rows.map((row, index) => (
            <Text key={index}>{row}</Text>
          ))}
        </Box>
        <FingerprintQr fingerprintHex={self.fingerprint} maxRows={height - 4} maxColumns={width - 34} />
      </Box>
    </OverlayFrame>
  );
}
