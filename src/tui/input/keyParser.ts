/**
 * The one keypress parser. A read of stdin may hold many keys (a held Backspace, a burst sent by tmux
 * or a slow SSH link, "hello\r" typed fast); this splits every chunk into keys, readline-style, so
 * each key is handled as the key it was. A bracketed paste (ESC[200~ ... ESC[201~) becomes one key
 * carrying the whole text, newlines included, even when it spans several reads.
 *
 * Pure and incremental: `feed` takes what was read and returns the complete keys; an escape sequence
 * cut by the end of a read waits for the next one, and `flush` ends it (a lone ESC is the Esc key).
 */

/** A key in the shape the bindings match on; the booleans mirror Ink's Key so the table reads alike. */
export interface KeyPress {
  /** readline-style name: 'return', 'backspace', 'up', 'pageup', 'paste', or the character itself. */
  readonly name: string;
  /** The text the key types: the character, the letter of a Ctrl chord, the pasted text; else ''. */
  readonly input: string;
  readonly ctrl: boolean;
  readonly meta: boolean;
  readonly shift: boolean;
  /** The whole text of a bracketed paste, to be inserted as is (never "Enter"). */
  readonly paste: boolean;
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly home: boolean;
  readonly end: boolean;
  readonly return: boolean;
  readonly escape: boolean;
  readonly tab: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
}

export interface KeyParser {
  feed(chunk: string): KeyPress[];
  /** Ends a sequence left incomplete at the end of the last read; [] when nothing waits. */
  flush(): KeyPress[];
  /** True while an incomplete escape sequence waits for more input. */
  readonly pending: boolean;
  /** True between the start and the end marker of a bracketed paste. */
  readonly pasting: boolean;
}

const ESC = '\x1b';
export const pasteStart = `${ESC}[200~`;
export const pasteEnd = `${ESC}[201~`;

interface KeyParts {
  name: string;
  input?: string;
  ctrl?: boolean;
  meta?: boolean;
  shift?: boolean;
  paste?: boolean;
}

export function keyPress(parts: KeyParts): KeyPress {
  const { name } = parts;
  return {
    name,
    input: parts.input ?? '',
    ctrl: parts.ctrl ?? false,
    meta: parts.meta ?? false,
    shift: parts.shift ?? false,
    paste: parts.paste ?? false,
    upArrow: name === 'up',
    downArrow: name === 'down',
    leftArrow: name === 'left',
    rightArrow: name === 'right',
    pageUp: name === 'pageup',
    pageDown: name === 'pagedown',
    home: name === 'home',
    end: name === 'end',
    return: name === 'return',
    escape: name === 'escape',
    tab: name === 'tab',
    backspace: name === 'backspace',
    delete: name === 'delete',
  };
}

/** Final byte of a CSI or SS3 sequence, by name. */
const letterKeys: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  E: 'clear',
  F: 'end',
  H: 'home',
  P: 'f1',
  Q: 'f2',
  R: 'f3',
  S: 'f4',
};

/** The number before "~" in ESC[n~. */
const tildeKeys: Record<string, string> = {
  '1': 'home',
  '2': 'insert',
  '3': 'delete',
  '4': 'end',
  '5': 'pageup',
  '6': 'pagedown',
  '7': 'home',
  '8': 'end',
};

/** xterm modifier parameter: 1 + (shift 1, alt 2, ctrl 4). */
function modifiers(parameter: string | undefined): { shift: boolean; meta: boolean; ctrl: boolean } {
  const value = Math.max(0, Number(parameter ?? '1') - 1);
  return { shift: (value & 1) !== 0, meta: (value & 2) !== 0, ctrl: (value & 4) !== 0 };
}

/** A single character outside any escape sequence. */
function plainKey(char: string, meta: boolean): KeyPress {
  const code = char.codePointAt(0) ?? 0;
  if (char === '\r') return keyPress({ name: 'return', meta });
  // Ctrl-J: a line feed, which the composer takes as a new line (Enter sends CR in raw mode).
  if (char === '\n') return keyPress({ name: 'linefeed', input: '\n', ctrl: true, meta });
  if (char === '\t') return keyPress({ name: 'tab', meta });
  // DEL (0x7f) is what Backspace sends on nearly every terminal; 0x08 is Ctrl-H, the older Backspace.
  if (char === '\x7f' || char === '\b') return keyPress({ name: 'backspace', meta });
  if (char === ESC) return keyPress({ name: 'escape', meta });
  if (char === ' ') return keyPress({ name: 'space', input: ' ', meta });
  if (code === 0) return keyPress({ name: 'space', input: ' ', ctrl: true, meta });
  if (code < 0x1b) {
    const letter = String.fromCharCode(code + 0x60);
    return keyPress({ name: letter, input: letter, ctrl: true, meta });
  }
  if (code < 0x20) {
    // Ctrl-\ ] ^ _: no binding uses them; name them so nothing types them.
    return keyPress({ name: `ctrl-${String.fromCharCode(code + 0x40)}`, ctrl: true, meta });
  }
  const shift = char.length === 1 && char >= 'A' && char <= 'Z';
  return keyPress({ name: char.toLowerCase(), input: char, meta, shift });
}

/** ESC [ params final, or ESC O final: the key it names, or 'unknown' (ignored by every binding). */
function sequenceKey(body: string, meta: boolean): KeyPress {
  const ss3 = body.startsWith('O');
  const params = ss3 ? '' : body.slice(1, -1);
  const final = body.slice(-1);
  const parts = params.split(';');
  if (final === '~') {
    const name = tildeKeys[parts[0] ?? ''] ?? 'unknown';
    const mods = modifiers(parts[1]);
    return keyPress({ name, ...mods, meta: mods.meta || meta });
  }
  if (final === 'Z') return keyPress({ name: 'tab', shift: true, meta });
  // rxvt: ESC O a..d are Ctrl-arrows.
  if (ss3 && 'abcd'.includes(final)) {
    const name = { a: 'up', b: 'down', c: 'right', d: 'left' }[final] ?? 'unknown';
    return keyPress({ name, ctrl: true, meta });
  }
  const name = letterKeys[final];
  if (name === undefined) return keyPress({ name: 'unknown', meta });
  const mods = modifiers(parts.length > 1 ? parts[1] : undefined);
  return keyPress({ name, ...mods, meta: mods.meta || meta });
}

type Scan =
  | { readonly kind: 'key'; readonly key: KeyPress; readonly length: number }
  | { readonly kind: 'pasteStart'; readonly length: number }
  | { readonly kind: 'incomplete' };

/** Reads one escape sequence at `at` (text[at] is ESC). */
function scanEscape(text: string, at: number, meta = false): Scan {
  const next = text[at + 1];
  if (next === undefined) return { kind: 'incomplete' };
  if (next === '[' || next === 'O') {
    let end = at + 2;
    if (next === 'O') {
      if (end >= text.length) return { kind: 'incomplete' };
      return { kind: 'key', key: sequenceKey(text.slice(at + 1, end + 1), meta), length: end + 1 - at };
    }
    // Linux console F1-F5: ESC [ [ A.
    if (text[end] === '[') end += 1;
    while (end < text.length) {
      const code = text.charCodeAt(end);
      if (code >= 0x40 && code <= 0x7e) break;
      if (code < 0x20 || code > 0x3f) {
        // Not a sequence after all: ESC [ is Alt-[.
        return { kind: 'key', key: keyPress({ name: '[', input: '[', meta: true }), length: 2 };
      }
      end += 1;
    }
    if (end >= text.length) return { kind: 'incomplete' };
    const body = text.slice(at + 1, end + 1);
    if (body === '[200~') return { kind: 'pasteStart', length: end + 1 - at };
    return { kind: 'key', key: sequenceKey(body, meta), length: end + 1 - at };
  }
  if (next === ESC) {
    // ESC ESC [ A: Alt with an arrow on some terminals; ESC ESC alone: Esc pressed twice.
    const inner = text[at + 2];
    if (inner === undefined) return { kind: 'incomplete' };
    if (inner === '[' || inner === 'O') {
      const scan = scanEscape(text, at + 1, true);
      return scan.kind === 'key' ? { ...scan, length: scan.length + 1 } : scan;
    }
    return { kind: 'key', key: keyPress({ name: 'escape' }), length: 1 };
  }
  // ESC then a character: that character with Alt (Alt-b, Alt-f, Alt-Enter, Alt-Backspace).
  const char = String.fromCodePoint(text.codePointAt(at + 1) ?? 0);
  return { kind: 'key', key: plainKey(char, true), length: 1 + char.length };
}

export function createKeyParser(): KeyParser {
  let buffer = '';
  /** Text of a paste in progress; null outside a paste. */
  let paste: string | null = null;

  function takePaste(keys: KeyPress[]): void {
    if (paste === null) return;
    const end = buffer.indexOf(pasteEnd);
    if (end === -1) {
      // Keep a tail that could be the start of the end marker split across two reads.
      const keep = Math.min(buffer.length, pasteEnd.length - 1);
      let cut = buffer.length;
      for (let size = keep; size > 0; size -= 1) {
        if (pasteEnd.startsWith(buffer.slice(-size))) {
          cut = buffer.length - size;
          break;
        }
      }
      paste += buffer.slice(0, cut);
      buffer = buffer.slice(cut);
      return;
    }
    const text = paste + buffer.slice(0, end);
    buffer = buffer.slice(end + pasteEnd.length);
    paste = null;
    if (text !== '') keys.push(keyPress({ name: 'paste', input: text, paste: true }));
  }

  function parse(keys: KeyPress[]): void {
    for (;;) {
      takePaste(keys);
      if (paste !== null || buffer === '') return;
      let at = 0;
      while (at < buffer.length) {
        if (buffer[at] === ESC) {
          const scan = scanEscape(buffer, at);
          if (scan.kind === 'incomplete') {
            buffer = buffer.slice(at);
            return;
          }
          if (scan.kind === 'pasteStart') {
            buffer = buffer.slice(at + scan.length);
            paste = '';
            break;
          }
          if (scan.key.name !== 'unknown') keys.push(scan.key);
          at += scan.length;
          continue;
        }
        const char = String.fromCodePoint(buffer.codePointAt(at) ?? 0);
        keys.push(plainKey(char, false));
        at += char.length;
      }
      if (paste === null) {
        buffer = '';
        return;
      }
    }
  }

  return {
    feed(chunk) {
      buffer += chunk;
      const keys: KeyPress[] = [];
      parse(keys);
      return keys;
    },
    flush() {
      if (paste !== null || buffer === '') return [];
      // What waits is an escape sequence that never completed: ESC alone is Esc, ESC x is Alt-x.
      const keys: KeyPress[] = [];
      const rest = buffer;
      buffer = '';
      keys.push(keyPress({ name: 'escape' }));
      if (rest.length > 1) {
        const tail = createKeyParser();
        keys.push(...tail.feed(rest.slice(1)), ...tail.flush());
      }
      return keys;
    },
    get pending() {
      return paste === null && buffer !== '';
    },
    get pasting() {
      return paste !== null;
    },
  };
}
