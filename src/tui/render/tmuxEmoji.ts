/**
 * tmux 3.3a draws an emoji with a skin-tone modifier (👍🏽: U+1F44D U+1F3FD) in four columns, as two
 * emoji side by side, where every width table (string-width, the one Ink lays out with) and most
 * terminals count two. Each such emoji on a row pushed the rest of that row, and the pane's border, two
 * columns right, wrapping it and pushing the status bar off screen. Measured in tmux 3.3a: 👍🏽 moves the
 * cursor 4 columns, 👍, 👨‍👩‍👧, 🇫🇷 and 漢 2, e + combining marks 1; only the modifiers disagree.
 *
 * Inside tmux the modifiers are left out of what is written to the terminal: 👍🏽 is drawn as 👍, two
 * columns, as laid out. Only the drawing changes: the message, the composer's text and what is sent
 * keep the modifier.
 */

import { guardZwjSequences, zwjModeFrom } from './tmuxZwj.js';

/** The five Fitzpatrick modifiers, U+1F3FB to U+1F3FF. */
const skinToneModifiers = /[\u{1F3FB}-\u{1F3FF}]/gu;

export type SkinToneMode = 'keep' | 'strip';

/**
 * `QPC_SKIN_TONES=keep|strip` decides; otherwise strip inside tmux (TMUX is set in its panes, and
 * TERM_PROGRAM=tmux since 3.2, also through ssh with SendEnv), keep elsewhere.
 */
export function skinToneModeFrom(env: NodeJS.ProcessEnv): SkinToneMode {
  const asked = env['QPC_SKIN_TONES'];
  if (asked === 'keep' || asked === 'strip') return asked;
  const inTmux = (env['TMUX'] ?? '') !== '' || env['TERM_PROGRAM'] === 'tmux';
  return inTmux ? 'strip' : 'keep';
}

export function withoutSkinTones(text: string): string {
  return text.replace(skinToneModifiers, '');
}

/**
 * Makes `stream.write` pass text through `transform` (bytes pass as they are); returns the function
 * that puts the original back.
 */
export function transformWrites(stream: NodeJS.WriteStream, transform: (text: string) => string): () => void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const ownWrite = Object.getOwnPropertyDescriptor(stream, 'write');
  const patched = (chunk: unknown, ...rest: unknown[]): boolean =>
    write(typeof chunk === 'string' ? transform(chunk) : chunk, ...rest);
  Object.defineProperty(stream, 'write', { value: patched, configurable: true, writable: true });
  return () => {
    // Back to what was there: the stream's own write, or the one of its class.
    if (ownWrite === undefined) Reflect.deleteProperty(stream, 'write');
    else Object.defineProperty(stream, 'write', ownWrite);
  };
}

/**
 * Makes `stream.write` leave out skin-tone modifiers from text; returns the function that puts the
 * original back. The frame keeps its layout: the emoji without its modifier has the same width.
 */
export function stripSkinTonesOnWrite(stream: NodeJS.WriteStream): () => void {
  return transformWrites(stream, withoutSkinTones);
}

/**
 * What tmux needs to draw the frame as laid out, as the environment asks (skinToneModeFrom, and
 * zwjModeFrom in tmuxZwj.ts): skin tones left out, ZWJ sequences guarded. Returns the undo.
 */
export function tmuxDrawingOnWrite(env: NodeJS.ProcessEnv, stream: NodeJS.WriteStream): () => void {
  const strip = skinToneModeFrom(env) === 'strip';
  const guard = zwjModeFrom(env) === 'guard';
  if (!strip && !guard) return () => undefined;
  return transformWrites(stream, (text) => {
    const kept = strip ? withoutSkinTones(text) : text;
    return guard ? guardZwjSequences(kept, stream.columns > 0 ? stream.columns : 80) : kept;
  });
}
