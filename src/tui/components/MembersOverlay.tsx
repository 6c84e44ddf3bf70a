/** Members of the selected group with fingerprints; a changed key is flagged loudly. */
import { Box, Text } from 'ink';
import type { GroupMember, VerificationState } from '../engineApi.js';
import { groupFingerprint } from '../state/messageWindow.js';
import { OverlayFrame } from './OverlayFrame.js';
import { useTheme } from './theme.js';

export interface MembersOverlayProps {
  readonly groupName: string;
  readonly members: readonly GroupMember[] | undefined;
  readonly selected: number;
  readonly height: number;
}

const verificationLabels: Record<VerificationState, string> = {
  unverified: 'unverified',
  verified: '✓ verified',
  changed: '!! KEY CHANGED',
};

function MemberRow({ member, selected }: { readonly member: GroupMember; readonly selected: boolean }) {
  const theme = useTheme();
  const color =
    member.verification === 'verified'
      ? theme.good
      : member.verification === 'changed'
        ? theme.danger
        : theme.muted;
  const short = groupFingerprint(member.fingerprint).slice(0, 4).join('-');
  return (
    <Text inverse={selected} wrap="truncate-end">
      {selected ? '> ' : '  '}
      {member.username.padEnd(20)}
      {member.self ? '(you) ' : '      '}
      {short}{' '}
      <Text color={color} bold={member.verification === 'changed'}>
        {verificationLabels[member.verification]}
      </Text>
    </Text>
  );
}

export function MembersOverlay({ groupName, members, selected, height }: MembersOverlayProps) {
  const theme = useTheme();
  const footer = '↑↓ select · s safety number · v mark verified (after comparing) · Esc close';
  if (members === undefined) {
    return (
      <OverlayFrame title={`Members of ${groupName}`} footer={footer} height={height}>
        <Text color={theme.muted}>loading…</Text>
      </OverlayFrame>
    );
  }
  const changed = members.filter((member) => member.verification === 'changed');
  const current = members[selected];
  const listRows = Math.max(1, height - 8 - (changed.length > 0 ? 2 : 0));
  const start = Math.min(Math.max(0, selected - listRows + 1), Math.max(0, members.length - listRows));
  return (
    <OverlayFrame title={`Members of ${groupName} (${members.length})`} footer={footer} height={height}>
      {changed.length > 0 ? (
        <Box flexDirection="column">
          <Text bold color={theme.danger} inverse wrap="truncate-end">
            {` !! WARNING: the identity key of ${changed.map((member) => member.username).join(', ')} CHANGED `}
          </Text>
          <Text color={theme.danger} wrap="truncate-end">
            Someone may be impersonating them. Compare fingerprints in person before trusting messages.
          </Text>
        </Box>
      ) : null}
      {members.slice(start, start + listRows).map((member, index) => (
        <MemberRow key={member.username} member={member} selected={start + index === selected} />
      ))}
      {current === undefined ? null : (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Fingerprint of {current.username}:</Text>
          <Text wrap="truncate-end">{groupFingerprint(current.fingerprint).slice(0, 8).join(' ')}</Text>
          <Text wrap="truncate-end">{groupFingerprint(current.fingerprint).slice(8).join(' ')}</Text>
        </Box>
      )}
    </OverlayFrame>
  );
}
