import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { skinToneModeFrom, stripSkinTonesOnWrite, withoutSkinTones } from './tmuxEmoji.js';

describe('skin tones inside tmux', () => {
  it('are left out inside tmux, kept elsewhere, and QPC_SKIN_TONES decides over both', () => {
    expect(skinToneModeFrom({})).toBe('keep');
    expect(skinToneModeFrom({ TMUX: '/tmp/tmux-0/default,42,0' })).toBe('strip');
    expect(skinToneModeFrom({ TERM_PROGRAM: 'tmux' })).toBe('strip');
    expect(skinToneModeFrom({ TMUX: '/tmp/x,1,0', QPC_SKIN_TONES: 'keep' })).toBe('keep');
    expect(skinToneModeFrom({ QPC_SKIN_TONES: 'strip' })).toBe('strip');
    expect(skinToneModeFrom({ TMUX: '', QPC_SKIN_TONES: 'loud' })).toBe('keep');
  });

  it('only the five modifiers go; ZWJ sequences, flags, CJK and combining marks stay', () => {
    expect(withoutSkinTones('ok 👍🏽👋🏻🧑🏿‍💻!')).toBe('ok 👍👋🧑‍💻!');
    const untouched = '👨‍👩‍👧 🇫🇷 漢字 é́ \x1b[7m \x1b[27m';
    expect(withoutSkinTones(untouched)).toBe(untouched);
  });

  it('patches writes of text until undone', () => {
    const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const undo = stripSkinTonesOnWrite(stream);
    stream.write('a👍🏽b');
    stream.write(Buffer.from('bytes stay 👍🏽'));
    undo();
    stream.write('c👍🏽');
    expect(chunks).toEqual(['a👍b', 'bytes stay 👍🏽', 'c👍🏽']);
  });
});
