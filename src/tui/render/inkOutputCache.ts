/**
 * Ink (6.x) turns every frame into terminal text by tokenizing each line it wrote into styled
 * characters and measuring each character's width. Its caches for that live in the frame's Output
 * object, so they start empty at every frame: a full-screen client re-tokenizes every unchanged row
 * (the message history, the borders) on each key press, which is most of a frame's cost. This keeps
 * one cache across frames, bounded, so a key press pays only for the rows that changed.
 *
 * The frame text is the same as Ink's own: the cached values are what Ink's functions return for the
 * same input (the cache is keyed by the full line, escape codes included).
 */
const MAX_ENTRIES = 4096;

/** Ink's methods read their maps through `this`: they are kept and called as plain functions. */
interface OutputCaches {
  getStyledChars: (this: OutputCaches, line: string) => unknown;
  getStringWidth: (this: OutputCaches, text: string) => number;
  getWidestLine: (this: OutputCaches, text: string) => number;
}

interface OutputClass {
  new (options: { width: number; height: number }): { caches: OutputCaches };
}

/** A map that forgets everything when full: cheap, and a full screen is far below the bound. */
function boundedMemo<V>(compute: (key: string) => V): (key: string) => V {
  let cache = new Map<string, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = compute(key);
      if (cache.size >= MAX_ENTRIES) cache = new Map();
      cache.set(key, value);
    }
    return value;
  };
}

/** Ink's own methods while the shared cache is installed, to put back. */
let installed: { prototype: OutputCaches; original: OutputCaches } | undefined;

function isOutputCaches(value: unknown): value is OutputCaches {
  const caches = value as Partial<OutputCaches> | null;
  return (
    typeof caches?.getStyledChars === 'function' &&
    typeof caches.getStringWidth === 'function' &&
    typeof caches.getWidestLine === 'function'
  );
}

/** Ink's output caches class, or undefined when this Ink is laid out differently. */
async function outputCachesPrototype(): Promise<OutputCaches | undefined> {
  try {
    // Ink does not export its Output class; it sits beside the entry point in the same package.
    const output = (await import(new URL('./output.js', import.meta.resolve('ink')).href)) as {
      default: OutputClass;
    };
    const prototype: unknown = Object.getPrototypeOf(new output.default({ width: 0, height: 0 }).caches);
    return isOutputCaches(prototype) ? prototype : undefined;
  } catch {
    // Another Ink version without this file: frames are drawn as Ink draws them, only slower.
    return undefined;
  }
}

/**
 * Shares Ink's per-frame output caches across frames; idempotent. False when this Ink has no such
 * caches (another version): nothing is changed then, and frames are drawn as before.
 */
export async function installInkOutputCache(): Promise<boolean> {
  if (installed !== undefined) return true;
  const prototype = await outputCachesPrototype();
  if (prototype === undefined) return false;
  const original: OutputCaches = {
    getStyledChars: prototype.getStyledChars,
    getStringWidth: prototype.getStringWidth,
    getWidestLine: prototype.getWidestLine,
  };
  // Ink's own methods, run against throwaway maps: the shared memo below is the cache now.
  const scratch = (): OutputCaches =>
    Object.assign(Object.create(prototype) as OutputCaches, {
      styledChars: new Map(),
      widths: new Map(),
      blockWidths: new Map(),
    });
  prototype.getStyledChars = boundedMemo((line) => original.getStyledChars.call(scratch(), line));
  prototype.getStringWidth = boundedMemo((text) => original.getStringWidth.call(scratch(), text));
  // Ink's own getWidestLine, whose per-line widths now come from the shared cache above.
  prototype.getWidestLine = boundedMemo((text) => original.getWidestLine.call(scratch(), text));
  installed = { prototype, original };
  return true;
}

/** Puts Ink's own per-frame caches back (the bench compares both). */
export function removeInkOutputCache(): void {
  if (installed === undefined) return;
  Object.assign(installed.prototype, installed.original);
  installed = undefined;
}
