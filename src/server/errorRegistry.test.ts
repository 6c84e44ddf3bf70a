import { describe, expect, it } from 'vitest';
import { LibErrorCode } from '../lib/errors.js';
import { findCodeLiterals, findMessageMatching, findSharedValues } from '../lib/testing/errorCodeScan.js';
import { protocolErrorCodeLists } from '../protocol/errorRegistry.js';
import { serverErrorCodeLists, sharedServerErrorCodes } from './errorRegistry.js';

describe('server error registry', () => {
  it('no code is written as a bare string in src/server', () => {
    expect(findCodeLiterals('src/server')).toEqual([]);
  });

  it('no error is classified by its message text in src/server', () => {
    expect(findMessageMatching('src/server')).toEqual([]);
  });

  it('no two entries share a value, within the layer or with src/protocol and src/lib, unless documented', () => {
    const lists = { ...serverErrorCodeLists, ...protocolErrorCodeLists, lib: LibErrorCode };
    expect(findSharedValues(lists, sharedServerErrorCodes)).toEqual({});
  });

  it('a documented shared value is still shared (else the note is stale)', () => {
    const lists = { ...serverErrorCodeLists, ...protocolErrorCodeLists, lib: LibErrorCode };
    for (const value of Object.keys(sharedServerErrorCodes)) {
      expect(Object.keys(findSharedValues(lists))).toContain(value);
    }
  });
});
