/**
 * Overlays around the account's secrets: the password asked before the recovery words show again, the
 * words themselves (four columns, as on the first run), a new account password, and the words a backup
 * needs.
 */
import { Text } from 'ink';
import type { Overlay } from '../state/appState.js';
import { OverlayFrame } from './OverlayFrame.js';
import { TextPromptOverlay } from './TextPromptOverlay.js';
import { useTheme } from './theme.js';

type OverlayOf<K extends Overlay['kind']> = Extract<Overlay, { kind: K }>;

export function RevealPasswordOverlay({
  overlay,
  height,
  width,
}: {
  readonly overlay: OverlayOf<'revealPassword'>;
  readonly height: number;
  readonly width: number;
}) {
  return (
    <TextPromptOverlay
      title="Show my recovery words"
      label="Account password"
      hint={
        overlay.checking
          ? 'Checking the password (an OPAQUE login: a few seconds)…'
          : 'The words show only after your account password is checked by logging in.'
      }
      input={overlay.input}
      height={height}
      width={width}
      masked
    />
  );
}

const passwordLabels = {
  current: 'Current password',
  new: 'New password',
  again: 'New password again',
} as const;

export function ChangePasswordOverlay({
  overlay,
  height,
  width,
}: {
  readonly overlay: OverlayOf<'changePassword'>;
  readonly height: number;
  readonly width: number;
}) {
  return (
    <TextPromptOverlay
      title="Change my account password"
      label={passwordLabels[overlay.stage]}
      hint={
        overlay.working
          ? 'Changing the password (a login, then a new registration: a few seconds)…'
          : 'At least 8 characters. Your other sessions end: log in there again with the new password.'
      }
      input={overlay.input}
      height={height}
      width={width}
      masked
    />
  );
}

/** The 24 words in four columns of six, numbered down each column. */
export function recoveryWordRows(words: readonly string[]): string[] {
  return [0, 1, 2, 3, 4, 5].map((row) =>
    [0, 1, 2, 3]
      .map((column) => {
        const index = column * 6 + row;
        return `${String(index + 1).padStart(2)}. ${(words[index] ?? '').padEnd(10)}`;
      })
      .join('  '),
  );
}

export function RecoveryWordsOverlay({
  words,
  height,
}: {
  readonly words: readonly string[];
  readonly height: number;
}) {
  const theme = useTheme();
  return (
    <OverlayFrame title="My recovery words" footer="Esc hide them" height={height}>
      <Text color={theme.warning}>
        Anyone with these words can become you. Check your paper copy, then hide them.
      </Text>
      <Text> </Text>
      {recoveryWordRows(words).map((line, index) => (
        <Text key={index}>{line}</Text>
      ))}
    </OverlayFrame>
  );
}

export function BackupWordsOverlay({
  overlay,
  height,
  width,
}: {
  readonly overlay: OverlayOf<'backupWords'>;
  readonly height: number;
  readonly width: number;
}) {
  const verb = overlay.action === 'import' ? 'Import' : 'Export';
  const hint = overlay.working
    ? `${overlay.action === 'import' ? 'Reading' : 'Writing'} ${overlay.file}…`
    : overlay.action === 'import'
      ? 'The 24 words of the account the backup belongs to, separated by spaces. Nothing is written unless they open it.'
      : 'This profile does not keep its words: type the 24 words to seal the backup with.';
  return (
    <TextPromptOverlay
      title={`${verb} backup ${overlay.file}`}
      label="Recovery words"
      hint={hint}
      input={overlay.input}
      height={height}
      width={width}
      masked
    />
  );
}
