/** The group pane: unread counts, most recent first, the selected group marked. */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { GroupSummary } from '../engineApi.js';
import { useTheme } from './theme.js';

export interface GroupListProps {
  readonly groups: readonly GroupSummary[];
  readonly selectedGroupId: string | null;
  readonly focused: boolean;
  /** Invites waiting for a decision: a line under the groups says so, with the key that opens them. */
  readonly invites?: number;
  readonly width: number;
  /** Rows available for entries. */
  readonly rows: number;
}

/** The first row to show so the selected group stays on screen. */
export function groupWindowStart(selectedIndex: number, count: number, rows: number): number {
  if (rows <= 0 || count <= rows) return 0;
  return Math.min(Math.max(0, selectedIndex - Math.floor(rows / 2)), count - rows);
}

/** Memoized: typing in the composer does not re-render it. */
export const GroupList = memo(function GroupList({
  groups,
  selectedGroupId,
  focused,
  invites = 0,
  width,
  rows,
}: GroupListProps) {
  const theme = useTheme();
  const selectedIndex = groups.findIndex((group) => group.id === selectedGroupId);
  // The invites line takes the last row while there are invites.
  const groupRows = invites > 0 ? Math.max(1, rows - 1) : rows;
  const start = groupWindowStart(selectedIndex, groups.length, groupRows);
  const visible = groups.slice(start, start + groupRows);
  return (
    <Box
      flexDirection="column"
      width={width}
      borderStyle="round"
      borderColor={focused ? theme.focusBorder : theme.border}
      flexShrink={0}
    >
      <Text bold={focused} wrap="truncate-end">
        {focused ? '▶ ' : '  '}Groups ({groups.length})
      </Text>
      {groups.length === 0 ? <Text color={theme.muted}>none yet: Ctrl-N</Text> : null}
      {visible.map((group) => {
        const selected = group.id === selectedGroupId;
        const unread = group.unread > 0 ? ` (${group.unread > 999 ? '999+' : group.unread})` : '';
        return (
          <Box key={group.id}>
            <Text inverse={selected && focused} bold={selected} color={selected ? theme.accent : undefined}>
              {selected ? '>' : ' '}
            </Text>
            <Box flexGrow={1} flexShrink={1}>
              <Text inverse={selected && focused} bold={selected || group.unread > 0} wrap="truncate-end">
                {group.name}
              </Text>
            </Box>
            <Text color={theme.warning} bold>
              {unread}
            </Text>
          </Box>
        );
      })}
      {invites > 0 ? (
        <Text color={theme.warning} bold wrap="truncate-end">
          {`✉ ${invites} invite${invites === 1 ? '' : 's'} · I`}
        </Text>
      ) : null}
    </Box>
  );
});
