import { describe, expect, it } from 'vitest';
import { makeMessage } from '../testing/fakeEngine.js';
import {
  computeMessageWindow,
  decryptFailedMarker,
  messageHeader,
  messageTextRows,
  shortFingerprint,
  upsertMessage,
} from './messageWindow.js';

process.env.TZ = 'UTC';

describe('message rows', () => {
  it('heads a row with time, sender, short fingerprint and, for own messages, the delivery state', () => {
    const received = makeMessage('g', 0);
    expect(messageHeader(received)).toBe(`09:00 alice ${shortFingerprint(received.sender.fingerprint)} `);
    const mine = makeMessage('g', 1, { outgoing: true, state: 'failed' });
    expect(messageHeader(mine)).toContain('✗ not sent');
    expect(shortFingerprint('abcd1234ffff')).toBe('abcd-1234');
  });

  it('tells a message with no one to receive it from one the server took without a proof', () => {
    const alone = makeMessage('g', 2, { outgoing: true, state: 'noRecipients' });
    const unproven = makeMessage('g', 3, { outgoing: true, state: 'accepted' });
    expect(messageHeader(alone)).toContain('○ no recipients');
    expect(messageHeader(alone)).not.toContain('↑');
    expect(messageHeader(unproven)).toContain('↑');
  });

  it('wraps long text to the width and splits on newlines', () => {
    const message = makeMessage('g', 0, { text: `${'x'.repeat(50)}\nsecond` });
    const header = [...messageHeader(message)].length;
    const rows = messageTextRows(message, 40);
    expect(rows[0]).toBe('x'.repeat(40 - header));
    expect(rows.at(-1)).toBe('second');
    expect(rows.every((row) => row.length <= 40)).toBe(true);
  });

  it('shows a marker instead of text for a message that failed to decrypt', () => {
    const message = makeMessage('g', 0, { decryptFailed: true, text: '' });
    expect(messageTextRows(message, 60)).toEqual([decryptFailedMarker]);
  });
});

describe('computeMessageWindow', () => {
  const messages = Array.from({ length: 10_000 }, (_, index) => makeMessage('g', index));

  it('shows the newest messages that fit, oldest at the top', () => {
    const window = computeMessageWindow(messages, 0, 5, 70);
    expect(window.rows.map((row) => row.messageId)).toEqual([
      'g-m9995',
      'g-m9996',
      'g-m9997',
      'g-m9998',
      'g-m9999',
    ]);
    expect(window).toMatchObject({ start: 9995, end: 10_000, wholeMessages: 5 });
  });

  it('moves back by the offset', () => {
    const window = computeMessageWindow(messages, 100, 3, 70);
    expect(window.rows.map((row) => row.messageId)).toEqual(['g-m9897', 'g-m9898', 'g-m9899']);
  });

  it('cuts the top message to its last rows when it does not fit', () => {
    const long = makeMessage('g', 0, { text: 'a\nb\nc\nd' });
    const window = computeMessageWindow([long, makeMessage('g', 1)], 0, 3, 70);
    expect(window.rows.map((row) => row.text)).toEqual(['c', 'd', 'message number 1']);
    expect(window.wholeMessages).toBe(1);
  });

  it('handles an empty list and an offset past the start', () => {
    expect(computeMessageWindow([], 0, 10, 70).rows).toEqual([]);
    expect(computeMessageWindow(messages.slice(0, 3), 5, 10, 70).rows).toEqual([]);
  });
});

describe('upsertMessage', () => {
  it('replaces by id and inserts in time order', () => {
    const list = [makeMessage('g', 0), makeMessage('g', 2)];
    const updated = upsertMessage(list, { ...makeMessage('g', 2), state: 'failed' });
    expect(updated[1]?.state).toBe('failed');
    const inserted = upsertMessage(list, makeMessage('g', 1));
    expect(inserted.map((message) => message.id)).toEqual(['g-m0', 'g-m1', 'g-m2']);
    expect(list).toHaveLength(2);
  });
});

describe('word wrapping', () => {
  it('breaks at spaces and cuts only words longer than the width', () => {
    const message = makeMessage('g', 0, { text: `hello wonderful world ${'z'.repeat(30)}` });
    const header = [...messageHeader(message)].length;
    // First row: 12 columns after the header; later rows: the width less the 2-column indent.
    const width = header + 12;
    const rows = messageTextRows(message, width);
    expect(rows).toEqual(['hello', 'wonderful world', 'z'.repeat(30)]);
    expect(messageTextRows(makeMessage('g', 0, { text: 'y'.repeat(40) }), header + 10)).toEqual([
      'y'.repeat(10),
      'y'.repeat(30),
    ]);
    expect(rows.every((row) => [...row].length <= width - 2)).toBe(true);
  });
});
