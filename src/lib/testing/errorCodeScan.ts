/**
 * Helpers for the per-layer error registry tests. Every layer keeps its error codes in const lists
 * gathered by one registry file (docs/architecture.md, "Errors"); these helpers find codes spelled as
 * bare string literals in a layer's sources, and values shared by two entries of a registry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface CodeLiteral {
  file: string;
  line: number;
  code: string;
  text: string;
}

/** A code is one word: letters, digits, `_` and `.`. A string with a space is a message, not a code. */
const CODE = String.raw`['"\`]([A-Za-z][A-Za-z0-9_.]*)['"\`]`;

/**
 * The places where a code is written: the first argument of an error constructor (or of `super` in an
 * error class), a `code:` property or an upper-case `reason:`, and a comparison with something's `code` (or an upper-case `reason`).
 */
const PATTERNS: readonly RegExp[] = [
  new RegExp(
    String.raw`new\s+(?!(?:Type|Range|Syntax)?Error\b)[A-Z]\w*(?:Error|Rejected)\s*\(\s*${CODE}\s*[,)]`,
    'g',
  ),
  new RegExp(String.raw`\bsuper\s*\(\s*${CODE}\s*,`, 'g'),
  new RegExp(String.raw`\bcode\s*:\s*${CODE}`, 'g'),
  // A `reason` is a code when it is spelled like one; lowercase reasons ('quit', 'duplicate') are not.
  new RegExp(String.raw`\breason\s*:\s*['"\`]([A-Z][A-Z0-9_]*)['"\`]`, 'g'),
  new RegExp(String.raw`(?<!typeof\s+)\b[cC]ode\)?\s*[!=]==?\s*${CODE}`, 'g'),
  new RegExp(String.raw`\breason\)?\s*[!=]==?\s*['"\`]([A-Z][A-Z0-9_]*)['"\`]`, 'g'),
  new RegExp(String.raw`${CODE}\s*[!=]==?\s*[\w.]*[cC]ode\b`, 'g'),
];

/**
 * Codes that belong to others: Node's system errors (ENOENT, EPERM...), node:util and Node internals
 * (ERR_...), SQLite's result codes, and commander's.
 */
const FOREIGN = /^(?:E[A-Z]+|ERR_[A-Z0-9_]+|SQLITE_[A-Z_]+|commander\.[A-Za-z]+)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      // Generated code and test helpers are not the layer's own error paths.
      if (entry.name === 'gen' || entry.name === 'testing') continue;
      out.push(...sourceFiles(path));
    } else if (
      /\.tsx?$/.test(entry.name) &&
      !/\.test\.tsx?$/.test(entry.name) &&
      !entry.name.endsWith('.d.ts')
    ) {
      out.push(path);
    }
  }
  return out;
}

/** Every code written as a bare string literal in the non-test sources under dir. */
export function findCodeLiterals(dir: string, root = process.cwd()): CodeLiteral[] {
  const found: CodeLiteral[] = [];
  for (const path of sourceFiles(dir)) {
    const source = readFileSync(path, 'utf8');
    for (const pattern of PATTERNS) {
      for (const match of source.matchAll(pattern)) {
        const code = match[1] ?? '';
        if (FOREIGN.test(code)) continue;
        const line = source.slice(0, match.index).split('\n').length;
        found.push({ file: relative(root, path), line, code, text: match[0].replace(/\s+/g, ' ') });
      }
    }
  }
  return found.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

const MESSAGE_MATCHING: readonly RegExp[] = [
  /\.message\s*\.\s*(?:includes|match|matchAll|startsWith|endsWith|indexOf|search)\s*\(/g,
  /\.test\(\s*[\w.]*\.message\s*\)/g,
];

/**
 * Places that classify an error by the text of its message (`error.message.includes(...)`,
 * `/.../.test(error.message)`): errors are told apart by class and code, never by text.
 */
export function findMessageMatching(dir: string, root = process.cwd()): string[] {
  const found: string[] = [];
  for (const path of sourceFiles(dir)) {
    const source = readFileSync(path, 'utf8');
    for (const pattern of MESSAGE_MATCHING) {
      for (const match of source.matchAll(pattern)) {
        found.push(`${relative(root, path)}:${source.slice(0, match.index).split('\n').length}`);
      }
    }
  }
  return found.sort();
}

export type CodeLists = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * Values that appear in more than one entry of the given lists, with the entries (`list.key`) that
 * hold them, except those named in `allowed` (value -> why two entries share it).
 */
export function findSharedValues(
  lists: CodeLists,
  allowed: Readonly<Record<string, string>> = {},
): Record<string, string[]> {
  const holders = new Map<string, string[]>();
  for (const [listName, list] of Object.entries(lists)) {
    for (const [key, value] of Object.entries(list)) {
      holders.set(value, [...(holders.get(value) ?? []), `${listName}.${key}`]);
    }
  }
  const shared: Record<string, string[]> = {};
  for (const [value, names] of holders) {
    if (names.length > 1 && allowed[value] === undefined) shared[value] = names;
  }
  return shared;
}

/** Every value of the given lists. */
export function codeValues(lists: CodeLists): Set<string> {
  return new Set(Object.values(lists).flatMap((list) => Object.values(list)));
}

/**
 * The values of every code list a layer declares (`export const SomethingErrorCode(s) = { ... }`), with
 * the list's file, so a registry test can check that each list was gathered (a list left out would let
 * its codes collide with others unseen).
 */
export function findDeclaredCodes(dir: string, root = process.cwd()): { file: string; code: string }[] {
  const found: { file: string; code: string }[] = [];
  const list = /export const \w*ErrorCodes?\s*=\s*\{([^}]*)\}/g;
  for (const path of sourceFiles(dir)) {
    for (const match of readFileSync(path, 'utf8').matchAll(list)) {
      const body = (match[1] ?? '').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const value of body.matchAll(/:\s*['"`]([A-Za-z][A-Za-z0-9_.]*)['"`]/g)) {
        found.push({ file: relative(root, path), code: value[1] ?? '' });
      }
    }
  }
  return found;
}
