import { describe, expect, it } from 'vitest';
import { LibErrorCode } from './errors.js';
import { findCodeLiterals, findMessageMatching, findSharedValues } from './testing/errorCodeScan.js';

describe('lib error registry', () => {
  it('no code is written as a bare string in src/lib', () => {
    expect(findCodeLiterals('src/lib')).toEqual([]);
  });

  it('no error is classified by its message text in src/lib', () => {
    expect(findMessageMatching('src/lib')).toEqual([]);
  });

  it('no two entries share a value', () => {
    expect(findSharedValues({ lib: LibErrorCode })).toEqual({});
  });
});
