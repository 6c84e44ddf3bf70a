import { describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import {
  decodeApplicationContent,
  decodeWelcomeBundle,
  encodeApplicationContent,
  encodeWelcomeBundle,
  messageIdFor,
} from './payloads.js';

describe('client payloads', () => {
  it('round-trips application content', () => {
    const content = { id: 'ab'.repeat(16), sentAt: 1_700_000_000_123, text: 'héllo ✓' };
    expect(decodeApplicationContent(encodeApplicationContent(content))).toEqual(content);
  });

  it('refuses content that is not ours', () => {
    expect(() => decodeApplicationContent(utf8('plain text'))).toThrow(/not JSON/u);
    expect(() => decodeApplicationContent(utf8('{"v":2,"id":"x","t":1,"text":""}'))).toThrow(
      /unknown shape/u,
    );
  });

  it('round-trips a Welcome bundle and refuses a truncated one', () => {
    const welcome = Uint8Array.of(0, 1, 0, 3, 9, 9);
    expect(decodeWelcomeBundle(encodeWelcomeBundle('team', welcome))).toEqual({ groupName: 'team', welcome });
    expect(() => decodeWelcomeBundle(Uint8Array.of(10, 1, 2))).toThrow(/truncated/u);
  });

  it('binds message ids to the sender', () => {
    const id = 'cd'.repeat(16);
    expect(messageIdFor(new Uint8Array(32).fill(1), id)).not.toBe(
      messageIdFor(new Uint8Array(32).fill(2), id),
    );
    expect(messageIdFor(new Uint8Array(32).fill(1), id)).toMatch(/^[0-9a-f]{32}$/u);
  });
});
