import { describe, expect, it } from 'vitest';
import { engineErrorCodeLists } from '../engine/errorRegistry.js';
import { LibErrorCode } from '../lib/errors.js';
import { findCodeLiterals, findMessageMatching, findSharedValues } from '../lib/testing/errorCodeScan.js';
import { protocolErrorCodeLists } from '../protocol/errorRegistry.js';
import { TuiErrorCode } from './tuiErrors.js';

describe('tui error registry', () => {
  it('no code is written as a bare string in src/tui', () => {
    expect(findCodeLiterals('src/tui')).toEqual([]);
  });

  it('no error is classified by its message text in src/tui', () => {
    expect(findMessageMatching('src/tui')).toEqual([]);
  });

  it('no two entries share a value, within the layer or with the engine, src/protocol and src/lib', () => {
    const lists = {
      tui: TuiErrorCode,
      ...engineErrorCodeLists,
      ...protocolErrorCodeLists,
      lib: LibErrorCode,
    };
    expect(findSharedValues(lists)).toEqual({});
  });
});
