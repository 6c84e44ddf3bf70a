/** Invites waiting for consent: who asked, to which group, when; accept or decline the selected one. */
import { Box, Text } from 'ink';
import type { PendingInvite } from '../engineApi.js';
import { formatDay, formatTime, shortFingerprint } from '../state/messageWindow.js';
import type { TimeFormat } from '../state/messageWindow.js';
import { OverlayFrame } from './OverlayFrame.js';
import { useTheme } from './theme.js';

export interface InvitesOverlayProps {
  /** The engine's list may name the inviter; an invite from an event carries only their key. */
  readonly invites: readonly (PendingInvite & { readonly inviter?: string })[];
  readonly selected: number;
  readonly height: number;
  readonly timeFormat?: TimeFormat;
}

export function InvitesOverlay({ invites, selected, height, timeFormat = '24h' }: InvitesOverlayProps) {
  const theme = useTheme();
  const footer = '↑↓ select · Enter/y accept (join) · d decline · Esc close';
  const listRows = Math.max(1, height - 6);
  const start = Math.min(Math.max(0, selected - listRows + 1), Math.max(0, invites.length - listRows));
  return (
    <OverlayFrame title={`Invites waiting for you (${invites.length})`} footer={footer} height={height}>
      <Text color={theme.muted} wrap="truncate-end">
        Joining shows you the group from now on; declining deletes the invite and tells the inviter.
      </Text>
      <Box flexDirection="column" marginTop={1}>
        {invites.length === 0 ? <Text color={theme.muted}>none</Text> : null}
        {invites.slice(start, start + listRows).map((invite, index) => {
          const isSelected = start + index === selected;
          const from = invite.inviter ?? `key ${shortFingerprint(invite.from)}`;
          return (
            <Text key={invite.id} inverse={isSelected} wrap="truncate-end">
              {isSelected ? '> ' : '  '}
              <Text bold>{invite.groupName}</Text>
              {`  from ${from}  `}
              <Text color={theme.muted}>
                {`${formatDay(invite.receivedAt)} ${formatTime(invite.receivedAt, timeFormat)}`}
              </Text>
            </Text>
          );
        })}
      </Box>
    </OverlayFrame>
  );
}
