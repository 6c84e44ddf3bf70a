/**
 * Ink hands over what one read of stdin returned. Typed fast (or sent by tmux, or pasted), text and the
 * Enter after it arrive together as "hello\r", which Ink reports as text, not as Enter. This splits
 * such a chunk into its text runs and its Enters, so each is handled as the key it was.
 */
import type { Key } from 'ink';

export interface KeyEvent {
  readonly input: string;
  readonly key: Key;
}

export function splitTypedChunk(input: string, key: Key): KeyEvent[] {
  if (input.length <= 1 || key.ctrl || key.meta || !/[\r\n]/u.test(input)) return [{ input, key }];
  const plain: Key = { ...key, return: false };
  const events: KeyEvent[] = [];
  for (const part of input.split(/(\r\n|\r|\n)/u)) {
    if (part === '') continue;
    if (part === '\r' || part === '\n' || part === '\r\n')
      events.push({ input: '\r', key: { ...plain, return: true } });
    else events.push({ input: part, key: plain });
  }
  return events;
}
