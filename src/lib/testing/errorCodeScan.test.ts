import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCodeLiterals, findMessageMatching, findSharedValues } from './errorCodeScan.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function layerWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qpc-scan-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('findCodeLiterals', () => {
  it('finds a code in a constructor, super, a code property and a comparison', () => {
    const dir = layerWith({
      'a.ts': [
        "throw new ValidationError('BAD_THING', 'a bad thing');",
        'throw new StorageError(',
        "  'STORE_GONE',",
        "  'the store is gone');",
        "class X extends QpcError { constructor() { super('X_CODE', 'x'); } }",
        "return { kind: 'retry', code: 'CLIENT_UNEXPECTED' };",
        "if (error.code === 'NO_SERVER') return;",
        "setStatus({ reason: 'CLOSED' });",
      ].join('\n'),
    });
    expect(findCodeLiterals(dir, dir).map(({ file, line, code }) => `${file}:${line}:${code}`)).toEqual([
      'a.ts:1:BAD_THING',
      'a.ts:2:STORE_GONE',
      'a.ts:5:X_CODE',
      'a.ts:6:CLIENT_UNEXPECTED',
      'a.ts:7:NO_SERVER',
      'a.ts:8:CLOSED',
    ]);
  });

  it('leaves messages, foreign codes, registry entries, tests and generated code alone', () => {
    const dir = layerWith({
      'a.ts': [
        "throw new UsageError('the password is empty');",
        "throw new Error('boom');",
        "if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;",
        "if (code === 'SQLITE_BUSY') return;",
        "export const FeatureErrorCode = { badThing: 'BAD_THING' } as const;",
        'throw new ValidationError(FeatureErrorCode.badThing, "a bad thing");',
      ].join('\n'),
      'a.test.ts': "throw new ValidationError('BAD_THING', 'x');",
      'gen/b.ts': "throw new ValidationError('BAD_THING', 'x');",
      'testing/c.ts': "throw new ValidationError('BAD_THING', 'x');",
    });
    expect(findCodeLiterals(dir, dir)).toEqual([]);
  });
});

describe('findMessageMatching', () => {
  it('finds an error classified by its message text', () => {
    const dir = layerWith({
      'a.ts': [
        "if (error.message.includes('gen in the past')) return 'replay';",
        'if (/epoch too old/.test(error.message)) return "stale";',
        'if (error instanceof ValidationError) return "invalid";',
      ].join('\n'),
    });
    expect(findMessageMatching(dir, dir)).toEqual(['a.ts:1', 'a.ts:2']);
  });
});

describe('findSharedValues', () => {
  it('names the entries that share a value, except documented ones', () => {
    const lists = { a: { one: 'ONE', two: 'TWO' }, b: { uno: 'ONE', dos: 'TWO' } };
    expect(findSharedValues(lists, { TWO: 'the same thing on purpose' })).toEqual({
      ONE: ['a.one', 'b.uno'],
    });
  });
});
