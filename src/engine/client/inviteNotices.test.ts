import { describe, expect, it } from 'vitest';
import { utf8 } from '../../lib/bytes.js';
import {
  decodeInviteNotice,
  encodeInviteNotice,
  INVITE_NOTICE_PLAINTEXT_BYTES,
  inviteRef,
} from './inviteNotices.js';

const ref = inviteRef(utf8('a sealed Welcome'));

describe('invite notice codec', () => {
  it('every outcome has the same plaintext size and reads back', () => {
    const notices = [
      { ref, outcome: 'accepted' as const },
      { ref, outcome: 'declined' as const },
      { ref, outcome: 'refused' as const, code: 'MLS_NO_MATCHING_KEY_PACKAGE' },
    ];
    for (const notice of notices) {
      const bytes = encodeInviteNotice(notice);
      expect(bytes.length).toBe(INVITE_NOTICE_PLAINTEXT_BYTES);
      expect(decodeInviteNotice(bytes)).toEqual(notice);
    }
  });

  it('refuses a notice of another shape with CLIENT_BAD_INVITE_NOTICE', () => {
    for (const text of [
      'not json',
      JSON.stringify({ v: 2, ref, outcome: 'declined' }),
      JSON.stringify({ v: 1, ref: 'short', outcome: 'declined' }),
      JSON.stringify({ v: 1, ref, outcome: 'maybe' }),
      JSON.stringify({ v: 1, ref, outcome: 'refused', code: 'lower case' }),
    ]) {
      expect(() => decodeInviteNotice(utf8(text)), text).toThrow(
        expect.objectContaining({ code: 'CLIENT_BAD_INVITE_NOTICE' }),
      );
    }
  });

  it('the reference is 16 bytes of hex and differs per Welcome', () => {
    expect(ref).toMatch(/^[0-9a-f]{32}$/u);
    expect(inviteRef(utf8('another Welcome'))).not.toBe(ref);
  });
});
