/**
 * The virtualized message list: which rows of which messages fit on screen, computed from the
 * viewport alone. Work is proportional to the rows shown, not to the messages held, so a group with
 * 10,000 messages costs the same as one with 20.
 */
import stringWidth from 'string-width';
import type { ChatMessage, DeliveryState } from '../engineApi.js';

export interface MessageRow {
  readonly key: string;
  /**
   * 'message': a row of a message's text, the first one with the header (time, sender, fingerprint,
   * state). 'date': the separator above the first message of a day. 'unread': the "new messages"
   * line above the first unread message.
   */
  readonly kind: 'message' | 'date' | 'unread';
  readonly messageId: string;
  readonly isFirst: boolean;
  readonly text: string;
}

export interface MessageWindow {
  readonly rows: readonly MessageRow[];
  /** Index of the first message (partly) shown, and one past the last. */
  readonly start: number;
  readonly end: number;
  /** How many messages are shown whole; the page size for PgUp/PgDn. */
  readonly wholeMessages: number;
}

/** Where the pane is scrolled to, and what it marks. */
export interface WindowOptions {
  /** Rows of the bottom message hidden below the pane (a tall message read from its first line). */
  readonly rowsBelow?: number;
  /** Id of the first unread message: the "new messages" line goes above it. */
  readonly unreadFrom?: string | undefined;
  /** Clock times in the headers (they change how much of the first row is left for text). */
  readonly timeFormat?: TimeFormat;
}

/** The `timeFormat` setting: 14:05, or 2:05 PM. */
export type TimeFormat = '24h' | '12h';

export const unreadLine = 'new messages';

export const continuationIndent = '  ';

/** "HH:MM" (24h) or "H:MM AM" (12h) in local time. */
export function formatTime(epochMs: number, format: TimeFormat = '24h'): string {
  const date = new Date(epochMs);
  const minutes = String(date.getMinutes()).padStart(2, '0');
  if (format === '24h') return `${String(date.getHours()).padStart(2, '0')}:${minutes}`;
  const hours = date.getHours() % 12 === 0 ? 12 : date.getHours() % 12;
  return `${hours}:${minutes} ${date.getHours() < 12 ? 'AM' : 'PM'}`;
}

/** The first two groups of the fingerprint: enough to tell two senders apart, never to verify. */
export function shortFingerprint(hex: string): string {
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}`;
}

/** Fingerprint hex as groups of four, for reading aloud. */
export function groupFingerprint(hex: string): string[] {
  return hex.match(/.{1,4}/gu) ?? [];
}

const deliveryGlyphs: Record<DeliveryState, string> = {
  pending: '…',
  sent: '✓',
  // Accepted without a delivery proof (sealed sender, or a server that signs none): no ✓ to show.
  accepted: '↑',
  // Nobody else in the group: kept here, nothing sent. Not an arrow, which reads like a send in flight.
  noRecipients: '○ no recipients',
  // What every incoming message is; the engine never sets it on our own (it has no read receipts).
  delivered: '',
  failed: '✗ not sent',
};

/** A marker made of text, so it survives NO_COLOR. */
export const decryptFailedMarker = '⚠ could not decrypt';

/** Leads a membership entry's row instead of a sender: text, so it survives NO_COLOR. */
export const membershipMarker = '*';

export function deliveryGlyph(message: ChatMessage): string {
  return message.outgoing ? deliveryGlyphs[message.state] : '';
}

/** The header of a message row, as plain text; its parts are styled separately by the component. */
export function messageHeader(message: ChatMessage, timeFormat: TimeFormat = '24h'): string {
  const time = formatTime(message.sentAt, timeFormat);
  // A membership entry (join, add, removal, leave, key update) names its actor in its own text.
  if (message.membership !== undefined) return `${time} ${membershipMarker} `;
  const glyph = deliveryGlyph(message);
  return `${time} ${message.sender.username} ${shortFingerprint(message.sender.fingerprint)}${
    glyph === '' ? '' : ` ${glyph}`
  } `;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Wraps at the last space that fits; a word longer than the width is cut where it must be. Widths are
 * terminal columns counted by grapheme: a CJK character or an emoji takes two, a combining mark none,
 * so a wrapped row never runs past the pane's border.
 */
function wrapLine(line: string, firstWidth: number, restWidth: number): string[] {
  const out: string[] = [];
  let width = Math.max(1, firstWidth);
  let row = '';
  let used = 0;
  /** Length of `row` just after its last space, and the columns used up to there. */
  let breakAt = -1;
  let breakUsed = 0;
  for (const { segment } of graphemes.segment(line)) {
    const cells = segment === ' ' ? 1 : stringWidth(segment);
    while (used + cells > width && row !== '') {
      if (breakAt > 0 && segment !== ' ') {
        out.push(row.slice(0, breakAt).trimEnd());
        row = row.slice(breakAt);
        used -= breakUsed;
      } else {
        out.push(row.trimEnd());
        row = '';
        used = 0;
      }
      breakAt = -1;
      width = Math.max(1, restWidth);
    }
    if (segment === ' ' && row === '' && out.length > 0) continue;
    row += segment;
    used += cells;
    if (segment === ' ') {
      breakAt = row.length;
      breakUsed = used;
    }
  }
  out.push(row.trimEnd());
  return out;
}

/** The width of text in terminal columns. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** The text rows of one message at a given width, wrapped by terminal column. */
export function messageTextRows(
  message: ChatMessage,
  width: number,
  timeFormat: TimeFormat = '24h',
): string[] {
  const headerWidth = stringWidth(messageHeader(message, timeFormat));
  const text = message.decryptFailed ? decryptFailedMarker : message.text;
  const restWidth = width - continuationIndent.length;
  const rows: string[] = [];
  text.split('\n').forEach((line, index) => {
    const firstWidth = index === 0 ? width - headerWidth : restWidth;
    rows.push(...wrapLine(line, firstWidth, restWidth));
  });
  return rows;
}

/** "Tuesday 1 December 2026": the day a date separator names, in local time. */
export function formatDay(epochMs: number): string {
  return new Date(epochMs).toLocaleDateString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
}

function sameDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** Every row drawn for message `index`: its separators (a new day, the unread line), then its text. */
export function rowsOfMessage(
  messages: readonly ChatMessage[],
  index: number,
  width: number,
  unreadFrom?: string,
  timeFormat: TimeFormat = '24h',
): MessageRow[] {
  const message = messages[index];
  if (message === undefined) return [];
  const rows: MessageRow[] = [];
  const previous = messages[index - 1];
  if (previous === undefined || !sameDay(previous.sentAt, message.sentAt)) {
    rows.push({
      key: `${message.id}:day`,
      kind: 'date',
      messageId: message.id,
      isFirst: false,
      text: formatDay(message.sentAt),
    });
  }
  if (message.id === unreadFrom) {
    rows.push({
      key: `${message.id}:unread`,
      kind: 'unread',
      messageId: message.id,
      isFirst: false,
      text: unreadLine,
    });
  }
  messageTextRows(message, width, timeFormat).forEach((text, row) =>
    rows.push({
      key: `${message.id}:${row}`,
      kind: 'message',
      messageId: message.id,
      isFirst: row === 0,
      text,
    }),
  );
  return rows;
}

/**
 * The rows to draw for a viewport `height` rows high and `width` columns wide, with `offsetFromBottom`
 * messages scrolled past (0 = the newest message at the bottom). Work is proportional to the rows
 * shown, never to the messages held.
 */
export function computeMessageWindow(
  messages: readonly ChatMessage[],
  offsetFromBottom: number,
  height: number,
  width: number,
  options: WindowOptions = {},
): MessageWindow {
  const end = Math.max(0, messages.length - offsetFromBottom);
  const collected: MessageRow[][] = [];
  let used = 0;
  let start = end;
  let wholeMessages = 0;
  let hideBelow = Math.max(0, options.rowsBelow ?? 0);
  while (start > 0 && used < height) {
    let rows = rowsOfMessage(messages, start - 1, width, options.unreadFrom, options.timeFormat);
    if (hideBelow > 0) {
      rows = rows.slice(0, Math.max(1, rows.length - hideBelow));
      hideBelow = 0;
    }
    const room = height - used;
    // The topmost message may not fit: keep its last rows, as a terminal scrolled up would.
    const kept = rows.length <= room ? rows : rows.slice(rows.length - room);
    if (kept.length === rows.length) wholeMessages += 1;
    collected.push(kept);
    used += kept.length;
    start -= 1;
  }
  return { rows: collected.reverse().flat(), start, end, wholeMessages };
}

/** Inserts or replaces by id, keeping the list ordered by time (new messages usually go last). */
export function upsertMessage(messages: readonly ChatMessage[], message: ChatMessage): ChatMessage[] {
  for (let index = messages.length - 1; index >= 0; index -= 1) {
    if (messages[index]?.id === message.id) {
      const copy = messages.slice();
      copy[index] = message;
      return copy;
    }
  }
  let insertAt = messages.length;
  while (insertAt > 0 && (messages[insertAt - 1]?.sentAt ?? 0) > message.sentAt) insertAt -= 1;
  return [...messages.slice(0, insertAt), message, ...messages.slice(insertAt)];
}
