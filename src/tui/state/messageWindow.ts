/**
 * The virtualized message list: which rows of which messages fit on screen, computed from the
 * viewport alone. Work is proportional to the rows shown, not to the messages held, so a group with
 * 10,000 messages costs the same as one with 20.
 */
import type { ChatMessage, DeliveryState } from '../engineApi.js';

export interface MessageRow {
  readonly key: string;
  readonly messageId: string;
  /** The first row carries the header (time, sender, fingerprint, state); the rest are text only. */
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

export const continuationIndent = '  ';

/** "HH:MM" in local time. */
export function formatTime(epochMs: number): string {
  const date = new Date(epochMs);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
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
  delivered: '✓✓',
  failed: '✗ not sent',
};

/** A marker made of text, so it survives NO_COLOR. */
export const decryptFailedMarker = '⚠ could not decrypt';

export function deliveryGlyph(message: ChatMessage): string {
  return message.outgoing ? deliveryGlyphs[message.state] : '';
}

/** The header of a message row, as plain text; its parts are styled separately by the component. */
export function messageHeader(message: ChatMessage): string {
  const glyph = deliveryGlyph(message);
  return `${formatTime(message.sentAt)} ${message.sender.username} ${shortFingerprint(message.sender.fingerprint)}${
    glyph === '' ? '' : ` ${glyph}`
  } `;
}

/** Wraps at the last space that fits; a word longer than the width is cut where it must be. */
function wrapLine(line: string, firstWidth: number, restWidth: number): string[] {
  const chars = [...line];
  const out: string[] = [];
  let width = Math.max(1, firstWidth);
  let position = 0;
  do {
    let end = Math.min(chars.length, position + width);
    if (end < chars.length) {
      const space = chars.lastIndexOf(' ', end);
      if (space > position) end = space + 1;
    }
    out.push(chars.slice(position, end).join('').trimEnd());
    position = end;
    width = Math.max(1, restWidth);
  } while (position < chars.length);
  return out;
}

/**
 * The text rows of one message at a given width. Characters count as one column each; wide
 * characters (CJK, most emoji) may overflow and are cut by the terminal.
 */
export function messageTextRows(message: ChatMessage, width: number): string[] {
  const headerWidth = [...messageHeader(message)].length;
  const text = message.decryptFailed ? decryptFailedMarker : message.text;
  const restWidth = width - continuationIndent.length;
  const rows: string[] = [];
  text.split('\n').forEach((line, index) => {
    const firstWidth = index === 0 ? width - headerWidth : restWidth;
    rows.push(...wrapLine(line, firstWidth, restWidth));
  });
  return rows;
}

/**
 * The rows to draw for a viewport `height` rows high and `width` columns wide, with `offsetFromBottom`
 * messages scrolled past (0 = the newest message at the bottom).
 */
export function computeMessageWindow(
  messages: readonly ChatMessage[],
  offsetFromBottom: number,
  height: number,
  width: number,
): MessageWindow {
  const end = Math.max(0, messages.length - offsetFromBottom);
  const collected: MessageRow[][] = [];
  let used = 0;
  let start = end;
  let wholeMessages = 0;
  while (start > 0 && used < height) {
    const message = messages[start - 1];
    if (message === undefined) break;
    const textRows = messageTextRows(message, width);
    const rows = textRows.map((text, index) => ({
      key: `${message.id}:${index}`,
      messageId: message.id,
      isFirst: index === 0,
      text,
    }));
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
