import { describe, expect, it } from 'vitest';
import { LibErrorCode } from '../lib/errors.js';
import { findCodeLiterals, findMessageMatching, findSharedValues } from '../lib/testing/errorCodeScan.js';
import { protocolErrorCodeLists } from './errorRegistry.js';

describe('protocol error registry', () => {
  it('no code is written as a bare string in src/protocol', () => {
    expect(findCodeLiterals('src/protocol')).toEqual([]);
  });

  it('no error is classified by its message text in src/protocol', () => {
    expect(findMessageMatching('src/protocol')).toEqual([]);
  });

  it('no two entries share a value, within the layer or with src/lib', () => {
    expect(findSharedValues({ ...protocolErrorCodeLists, lib: LibErrorCode })).toEqual({});
  });
});
