/**
 * The unlock prompt that replaces the whole screen while the client is locked: nothing of the chat
 * (groups, messages, names) is drawn, only what to type. The secret shows as one `*` per character.
 */
import { Box, Text } from 'ink';
import { TextField } from '../components/TextField.js';
import { useTheme } from '../components/theme.js';
import type { UnlockSecretKind } from './lockApi.js';
import type { LockState } from './lockState.js';

export interface LockScreenProps {
  readonly state: LockState;
  readonly secretKind: UnlockSecretKind;
  readonly idleMinutes: number;
  readonly columns: number;
  readonly rows: number;
}

const labels: Record<UnlockSecretKind, string> = {
  passphrase: 'Passphrase',
  password: 'Password',
};

function why(state: LockState, idleMinutes: number): string {
  const after =
    state.reason === 'idle'
      ? `Locked after ${idleMinutes} minute${idleMinutes === 1 ? '' : 's'} without a key press.`
      : 'Locked.';
  return `${after} The keys are wiped from memory and the profile is closed; messages wait on the server.`;
}

export function LockScreen({ state, secretKind, idleMinutes, columns, rows }: LockScreenProps) {
  const theme = useTheme();
  const label = labels[secretKind];
  const ask =
    secretKind === 'passphrase'
      ? 'Type the passphrase of this profile to unlock it.'
      : 'Type your account password to unlock (checked by logging in to the server).';
  const busy = state.phase === 'locking' || state.phase === 'unlocking';
  return (
    <Box
      flexDirection="column"
      borderStyle="round"
      borderColor={theme.border}
      paddingX={1}
      width={columns}
      height={rows}
    >
      <Text bold color={theme.accent}>
        quicprochat · locked
      </Text>
      <Text> </Text>
      <Text wrap="wrap">{why(state, idleMinutes)}</Text>
      <Text wrap="wrap">{ask}</Text>
      <Text> </Text>
      <Box>
        <Text>{`> ${label.padEnd(11)}`}</Text>
        <TextField
          text={state.input.text}
          cursor={state.input.cursor}
          focused={state.phase !== 'unlocking'}
          width={Math.max(4, columns - 19)}
          masked
        />
      </Box>
      <Text> </Text>
      {busy ? <Text color={theme.muted}>{state.progress}…</Text> : null}
      {state.error === undefined ? null : (
        <Text color={theme.danger} wrap="wrap">
          ! {state.error}
        </Text>
      )}
      <Box flexGrow={1} />
      <Text color={theme.muted} wrap="truncate-end">
        Enter unlock · Esc clear · Ctrl-A/E, Ctrl-W, Ctrl-U edit · Ctrl-C quit
      </Text>
    </Box>
  );
}
