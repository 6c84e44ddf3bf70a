import { describe, expect, it } from 'vitest';
import { engineErrorCodeLists } from '../engine/errorRegistry.js';
import { LibErrorCode } from '../lib/errors.js';
import { findCodeLiterals, findMessageMatching, findSharedValues } from '../lib/testing/errorCodeScan.js';
import { protocolErrorCodeLists } from '../protocol/errorRegistry.js';
import { serverErrorCodeLists, sharedServerErrorCodes } from '../server/errorRegistry.js';
import { TuiErrorCode } from '../tui/tuiErrors.js';
import { CliErrorCode } from './exitCodes.js';

describe('cli error codes', () => {
  it('no code is written as a bare string in src/cli', () => {
    expect(findCodeLiterals('src/cli')).toEqual([]);
  });

  it('no error is classified by its message text in src/cli', () => {
    expect(findMessageMatching('src/cli')).toEqual([]);
  });

  it('no two entries share a value across every layer, unless documented', () => {
    const lists = {
      cli: CliErrorCode,
      tui: TuiErrorCode,
      ...engineErrorCodeLists,
      ...serverErrorCodeLists,
      ...protocolErrorCodeLists,
      lib: LibErrorCode,
    };
    expect(findSharedValues(lists, sharedServerErrorCodes)).toEqual({});
  });
});
