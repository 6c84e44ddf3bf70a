import { describe, expect, it } from 'vitest';
import { guardZwjSequences, zwjModeFrom } from './tmuxZwj.js';

const family = '👨\u200d👩\u200d👧';

describe('ZWJ sequences inside tmux', () => {
  it('are guarded inside tmux, kept elsewhere, and QPC_ZWJ decides over both', () => {
    expect(zwjModeFrom({})).toBe('keep');
    expect(zwjModeFrom({ TMUX: '/tmp/tmux-0/default,42,0' })).toBe('guard');
    expect(zwjModeFrom({ TERM_PROGRAM: 'tmux' })).toBe('guard');
    expect(zwjModeFrom({ TMUX: '/tmp/x,1,0', QPC_ZWJ: 'keep' })).toBe('keep');
    expect(zwjModeFrom({ QPC_ZWJ: 'guard' })).toBe('guard');
  });

  it('leave text without a joiner as it is', () => {
    const text = '\x1b[2K\x1b[1A\x1b[G│ 👍 🇫🇷 漢字 é́ │\n';
    expect(guardZwjSequences(text, 80)).toBe(text);
  });

  it('follow a sequence with a move to the column the layout puts the next character in', () => {
    // │, space, h, i, space: the family starts in column 5 (0-based) and the next character is in 7.
    expect(guardZwjSequences(`\x1b[G│ hi ${family} x│`, 80)).toBe(`\x1b[G│ hi ${family}\x1b[8G x│`);
    // Styles and string sequences move nothing; a line break starts at column 0.
    expect(guardZwjSequences(`\x1b[H\x1b[1mab\x1b]0;title\x07\x1b[22m${family}`, 80)).toBe(
      `\x1b[H\x1b[1mab\x1b]0;title\x07\x1b[22m${family}\x1b[5G`,
    );
    expect(guardZwjSequences(`\x1b[Gxyz\n${family}.`, 80)).toBe(`\x1b[Gxyz\n${family}\x1b[3G.`);
    expect(guardZwjSequences(`\x1b[3;7H${family}`, 80)).toBe(`\x1b[3;7H${family}\x1b[9G`);
  });

  it('write only the first part where a split could wrap the row, or where the column is unknown', () => {
    // Drawn apart, three people take six columns: from column 8 of 10 they would not fit.
    expect(guardZwjSequences(`\x1b[G12345678${family}`, 10)).toBe('\x1b[G12345678👨');
    expect(guardZwjSequences(`\x1b[G1234${family}`, 10)).toBe(`\x1b[G1234${family}\x1b[7G`);
    expect(guardZwjSequences(`no move first ${family}`, 80)).toBe('no move first 👨');
    expect(guardZwjSequences(`\x1b[Gab\x1b8${family}`, 80)).toBe('\x1b[Gab\x1b8👨');
  });
});
