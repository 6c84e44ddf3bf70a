/**
 * The message pane. Only the rows that fit are built: computeMessageWindow walks back from the bottom
 * of the viewport, so the cost does not grow with the number of messages in the group.
 */
import { memo } from 'react';
import { Box, Text } from 'ink';
import type { ChatMessage, GroupSummary } from '../engineApi.js';
import {
  membershipMarker,
  computeMessageWindow,
  continuationIndent,
  deliveryGlyph,
  formatTime,
  shortFingerprint,
  textWidth,
} from '../state/messageWindow.js';
import type { TimeFormat } from '../state/messageWindow.js';
import { useTheme } from './theme.js';

export interface MessageListProps {
  readonly group: GroupSummary | undefined;
  readonly messages: readonly ChatMessage[];
  readonly loading: boolean;
  readonly offsetFromBottom: number;
  /** Rows of the bottom message hidden below (a tall message read from its first line). */
  readonly rowsBelow: number;
  /** The first unread message: the "new messages" line goes above it. */
  readonly unreadFrom: string | undefined;
  readonly focused: boolean;
  /** Clock times in the headers: 14:05 or 2:05 PM. */
  readonly timeFormat?: TimeFormat;
  /** Rows and columns available for message rows (inside the border, below the title). */
  readonly rows: number;
  readonly width: number;
}

function MessageHeader({
  message,
  timeFormat,
}: {
  readonly message: ChatMessage;
  readonly timeFormat: TimeFormat;
}) {
  const theme = useTheme();
  const glyph = deliveryGlyph(message);
  const failed = message.state === 'failed' && message.outgoing;
  const time = formatTime(message.sentAt, timeFormat);
  if (message.membership !== undefined) {
    return <Text color={theme.muted}>{`${time} ${membershipMarker} `}</Text>;
  }
  return (
    <>
      <Text color={theme.muted}>{time} </Text>
      <Text bold color={message.outgoing ? theme.good : theme.accent}>
        {message.sender.username}
      </Text>
      <Text color={theme.muted}> {shortFingerprint(message.sender.fingerprint)}</Text>
      {glyph === '' ? null : <Text color={failed ? theme.danger : theme.muted}> {glyph}</Text>}
      <Text> </Text>
    </>
  );
}

/** Memoized: typing in the composer does not rebuild the message rows. */
export const MessageList = memo(function MessageList(props: MessageListProps) {
  const { group, messages, loading, offsetFromBottom, rowsBelow, unreadFrom, focused, rows, width } = props;
  const timeFormat = props.timeFormat ?? '24h';
  const theme = useTheme();
  const window = computeMessageWindow(messages, offsetFromBottom, rows, width, {
    rowsBelow,
    unreadFrom,
    timeFormat,
  });
  const byId = new Map<string, ChatMessage>();
  for (let index = window.start; index < window.end; index += 1) {
    const message = messages[index];
    if (message !== undefined) byId.set(message.id, message);
  }
  const title = group === undefined ? 'No group selected' : `# ${group.name}`;
  const scrolled =
    offsetFromBottom > 0
      ? ` · ${offsetFromBottom} newer below (G: newest)`
      : rowsBelow > 0
        ? ' · more below (↓)'
        : '';
  return (
    <Box
      flexDirection="column"
      flexGrow={1}
      borderStyle="round"
      borderColor={focused ? theme.focusBorder : theme.border}
    >
      <Text bold={focused} wrap="truncate-end">
        {focused ? '▶ ' : '  '}
        {title}
        <Text color={theme.muted}>
          {loading ? ' · loading…' : ''}
          {scrolled}
          {group !== undefined && messages.length === 0 && !loading ? ' · no messages yet' : ''}
        </Text>
      </Text>
      {/*
        Rows sit at the bottom, next to the composer, as in a terminal; blank space is above. Clipped
        vertically only: every row is already cut to the pane's width (truncate-end), and a horizontal
        clip would make Ink slice every row's escape codes again at each frame.
      */}
      <Box flexDirection="column" height={rows} justifyContent="flex-end" overflowY="hidden">
        {window.rows.map((row) => {
          if (row.kind === 'date') {
            return (
              <Text key={row.key} color={theme.muted} wrap="truncate-end">
                {separator(row.text, width)}
              </Text>
            );
          }
          if (row.kind === 'unread') {
            return (
              <Text key={row.key} color={theme.danger} bold wrap="truncate-end">
                {separator(row.text, width)}
              </Text>
            );
          }
          const message = byId.get(row.messageId);
          if (message === undefined) return null;
          const textColor = message.decryptFailed
            ? theme.danger
            : message.membership !== undefined
              ? theme.muted
              : undefined;
          return (
            <Text key={row.key} wrap="truncate-end">
              {row.isFirst ? <MessageHeader message={message} timeFormat={timeFormat} /> : continuationIndent}
              <Text color={textColor} bold={message.decryptFailed}>
                {row.text}
              </Text>
            </Text>
          );
        })}
      </Box>
    </Box>
  );
});

/** "──── text ────" across the pane: a marker made of text, so it survives NO_COLOR. */
export function separator(text: string, width: number): string {
  const label = ` ${text} `;
  const left = Math.max(2, Math.floor((width - textWidth(label)) / 2));
  const right = Math.max(2, width - left - textWidth(label));
  return `${'─'.repeat(left)}${label}${'─'.repeat(right)}`;
}
