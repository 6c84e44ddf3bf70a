/** A one-line question (new group name, username to invite) typed into an overlay. */
import { Box, Text } from 'ink';
import type { TextInputState } from '../input/textInput.js';
import { OverlayFrame } from './OverlayFrame.js';
import { TextField } from './TextField.js';
import { useTheme } from './theme.js';

export interface TextPromptOverlayProps {
  readonly title: string;
  readonly label: string;
  readonly hint: string;
  readonly input: TextInputState;
  readonly height: number;
  /** Columns inside the overlay's border. */
  readonly width: number;
  /** Secrets (a password, recovery words) show one `*` per character. */
  readonly masked?: boolean;
}

export function TextPromptOverlay({
  title,
  label,
  hint,
  input,
  height,
  width,
  masked = false,
}: TextPromptOverlayProps) {
  const theme = useTheme();
  return (
    <OverlayFrame
      title={title}
      footer="Enter confirm · Esc cancel · Ctrl-A/E, Ctrl-W, Ctrl-U edit"
      height={height}
    >
      <Text> </Text>
      <Box>
        <Text>{label}: </Text>
        <TextField
          text={input.text}
          cursor={input.cursor}
          focused
          width={width - label.length - 2}
          masked={masked}
        />
      </Box>
      <Text> </Text>
      <Text color={theme.muted}>{hint}</Text>
    </OverlayFrame>
  );
}
