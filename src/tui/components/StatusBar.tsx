/**
 * The top bar: connection, server, user, and the selected group's epoch, ciphersuite (with a "PQ"
 * badge when post-quantum) and sealed-sender state. The ciphersuite name is the part that gets cut
 * when the terminal is narrow; the badge never is.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { ConnectionState, GroupSummary, SelfIdentity } from '../engineApi.js';
import { useTheme } from './theme.js';

export interface StatusBarProps {
  readonly connection: ConnectionState;
  readonly self: SelfIdentity | null;
  readonly group: GroupSummary | undefined;
}

const connectionMarks: Record<ConnectionState['status'], string> = {
  connecting: '◌ connecting',
  online: '● online',
  offline: '○ offline',
};

/** Memoized: typing in the composer does not re-render it. */
export const StatusBar = memo(function StatusBar({ connection, self, group }: StatusBarProps) {
  const theme = useTheme();
  const connectionColor =
    connection.status === 'online'
      ? theme.good
      : connection.status === 'offline'
        ? theme.danger
        : theme.warning;
  const server = connection.server === '' ? '' : ` ${connection.server}`;
  const reason =
    connection.status === 'offline' && connection.reason !== undefined ? ` (${connection.reason})` : '';
  return (
    <Box flexShrink={0} height={1}>
      <Box flexShrink={0}>
        <Text color={connectionColor} bold>
          {connectionMarks[connection.status]}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>
          {server}
          {reason}
        </Text>
      </Box>
      <Box flexShrink={0}>
        <Text>
          {' · '}
          {self === null ? '…' : self.username}
        </Text>
      </Box>
      {group === undefined ? null : (
        <>
          <Box flexShrink={0}>
            <Text>
              {` · epoch ${group.epoch.toString()} · `}
              {group.ciphersuite.postQuantum ? (
                <Text bold color={theme.good}>
                  [PQ]
                </Text>
              ) : (
                <Text color={theme.warning}>[classical]</Text>
              )}
              {group.sealedSender ? ' sealed ✓ · ' : ' sealed ✗ · '}
            </Text>
          </Box>
          <Box flexShrink={1}>
            <Text color={theme.muted} wrap="truncate-end">
              {group.ciphersuite.name}
            </Text>
          </Box>
        </>
      )}
    </Box>
  );
});
