/**
 * The screens before the main one: unlock, first run (server, account, recovery words) and log in
 * again. Secrets are shown as one `*` per character.
 */
import { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import { recoveryWordRows } from '../components/SecretOverlays.js';
import { TextField } from '../components/TextField.js';
import { useTheme } from '../components/theme.js';
import type { LaunchField, LaunchState } from './launchState.js';
import { fieldsFor, firstRunChoices, secretFields } from './launchState.js';

const labels: Record<LaunchField, string> = {
  passphrase: 'Passphrase',
  passphraseAgain: 'Passphrase again',
  server: 'Server',
  username: 'Username',
  password: 'Password',
  passwordAgain: 'Password again',
  word: 'Word',
  words: 'Recovery words',
  backupFile: 'Backup file',
};

const spinnerFrames = ['|', '/', '-', '\\'];

/** A spinner that turns on a timer, so a long step visibly lives (it pauses while the CPU is busy). */
function Spinner() {
  const [frame, setFrame] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setFrame((value) => (value + 1) % spinnerFrames.length), 120);
    return () => clearInterval(timer);
  }, []);
  return <Text>{spinnerFrames[frame]}</Text>;
}

function title(state: LaunchState): string {
  switch (state.need?.kind) {
    case 'passphrase':
      return state.need.creating ? 'quicprochat · protect this profile' : 'quicprochat · unlock';
    case 'firstRun':
      return 'quicprochat · first run';
    case 'login':
      return `quicprochat · log in as ${state.need.username}`;
    default:
      return 'quicprochat';
  }
}

function intro(state: LaunchState): string {
  switch (state.need?.kind) {
    case 'passphrase':
      return state.need.creating
        ? 'No keychain answers, so a passphrase encrypts this profile on disk. Choose one (8+ characters).'
        : 'This profile is encrypted with a passphrase.';
    case 'firstRun':
      if (state.step.kind === 'choice')
        return 'A new account, or one you already have (from another device)?';
      if (state.withBackup)
        return 'Pick the server (Enter keeps the local one), type your 24 recovery words on one line, the backup file they open (~/ is your home), then your username and password. The backup brings back contacts, trust and history; groups come back through invites.';
      return state.restoring
        ? 'Pick the server (Enter keeps the local one), then type your 24 recovery words on one line, separated by spaces, then your username and password.'
        : 'Pick the server (Enter keeps the local one), then create your account. The password never leaves this machine (OPAQUE).';
    case 'login':
      return `Your session on ${state.need.server} has ended. Enter your password to log in again.`;
    default:
      return '';
  }
}

/** `width`: columns inside the launch box. */
function Fields({ state, width }: { readonly state: LaunchState; readonly width: number }) {
  if (state.step.kind === 'choice') {
    const { selected } = state.step;
    return (
      <Box flexDirection="column">
        {firstRunChoices.map((choice, index) => (
          <Text key={choice}>
            {index === selected ? '> ' : '  '}
            {choice}
          </Text>
        ))}
      </Box>
    );
  }
  const fields = fieldsFor(state.need, state.restoring, state.withBackup);
  const current = state.step.kind === 'input' ? state.step.field : undefined;
  const shown = current === undefined ? fields : fields.slice(0, fields.indexOf(current) + 1);
  return (
    <Box flexDirection="column">
      {shown.map((field) => {
        const value = state.values[field] ?? '';
        return (
          <Box key={field}>
            <Text>
              {field === current ? '> ' : '  '}
              {labels[field].padEnd(17)}
            </Text>
            <TextField
              text={value}
              cursor={state.cursor ?? value.length}
              focused={field === current}
              width={width - 19}
              masked={secretFields.has(field)}
            />
          </Box>
        );
      })}
    </Box>
  );
}

function Recovery({ state, width }: { readonly state: LaunchState; readonly width: number }) {
  const theme = useTheme();
  if (state.step.kind !== 'recovery') return null;
  const { words, ask, typing } = state.step;
  if (typing) {
    return (
      <Box flexDirection="column">
        <Text>To check you wrote them down, type word number {ask} of your recovery phrase.</Text>
        <Text> </Text>
        <Box>
          <Text>
            {'> '}Word {ask}:{' '}
          </Text>
          <TextField
            text={state.values.word ?? ''}
            cursor={state.cursor ?? (state.values.word ?? '').length}
            focused
            width={width - 12}
          />
        </Box>
      </Box>
    );
  }
  const rows = recoveryWordRows(words);
  return (
    <Box flexDirection="column">
      <Text bold>Your recovery phrase (24 words), shown until one is checked.</Text>
      <Text color={theme.warning}>Write it down on paper. Anyone with these words can become you.</Text>
      <Text> </Text>
      {rows.map((line, index) => (
        <Text key={index}>{line}</Text>
      ))}
      <Text> </Text>
      <Text>Press Enter once the words are written down.</Text>
    </Box>
  );
}

export function LaunchScreen({ state, width }: { readonly state: LaunchState; readonly width: number }) {
  const inner = Math.max(10, width - 4);
  const theme = useTheme();
  const footer =
    state.step.kind === 'working'
      ? 'Ctrl-C quit'
      : state.step.kind === 'choice'
        ? 'Up/Down choose · Enter next · Esc or Ctrl-C quit'
        : 'Enter next · Ctrl-A/E, Ctrl-W, Ctrl-U edit · Esc or Ctrl-C quit';
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.border} paddingX={1} flexGrow={1}>
      <Text bold color={theme.accent}>
        {title(state)}
      </Text>
      <Text> </Text>
      {state.step.kind === 'recovery' ? (
        <Recovery state={state} width={inner} />
      ) : (
        <Box flexDirection="column">
          <Text wrap="wrap">{intro(state)}</Text>
          <Text> </Text>
          <Fields state={state} width={inner} />
        </Box>
      )}
      <Text> </Text>
      {state.step.kind === 'working' ? (
        <Text>
          <Spinner /> {state.progress}…
        </Text>
      ) : null}
      {state.error === undefined ? null : (
        <Text color={theme.danger} wrap="wrap">
          ! {state.error}
        </Text>
      )}
      <Box flexGrow={1} />
      <Text color={theme.muted}>{footer}</Text>
    </Box>
  );
}
