/** The frame every overlay shares: a titled double border and a footer naming its keys. */
import type { ReactNode } from 'react';
import { Box, Text } from 'ink';
import { useTheme } from './theme.js';

export interface OverlayFrameProps {
  readonly title: string;
  readonly footer: string;
  readonly height: number;
  readonly children: ReactNode;
}

export function OverlayFrame({ title, footer, height, children }: OverlayFrameProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" borderStyle="double" borderColor={theme.accent} height={height} flexGrow={1}>
      <Text bold color={theme.accent} wrap="truncate-end">
        {title}
      </Text>
      <Box flexDirection="column" flexGrow={1} overflow="hidden">
        {children}
      </Box>
      <Text color={theme.muted} wrap="truncate-end">
        {footer}
      </Text>
    </Box>
  );
}
