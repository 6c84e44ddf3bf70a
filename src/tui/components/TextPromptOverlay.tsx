/** A one-line question (new group name, username to invite) typed into an overlay. */
import { Text } from 'ink';
import { OverlayFrame } from './OverlayFrame.js';
import { useTheme } from './theme.js';

export interface TextPromptOverlayProps {
  readonly title: string;
  readonly label: string;
  readonly hint: string;
  readonly input: string;
  readonly height: number;
}

export function TextPromptOverlay({ title, label, hint, input, height }: TextPromptOverlayProps) {
  const theme = useTheme();
  return (
    <OverlayFrame title={title} footer="Enter confirm · Esc cancel" height={height}>
      <Text> </Text>
      <Text wrap="truncate-start">
        {label}: {input}
        <Text inverse> </Text>
      </Text>
      <Text> </Text>
      <Text color={theme.muted}>{hint}</Text>
    </OverlayFrame>
  );
}
