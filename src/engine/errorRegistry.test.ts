import { describe, expect, it } from 'vitest';
import { LibErrorCode } from '../lib/errors.js';
import {
  codeValues,
  findCodeLiterals,
  findDeclaredCodes,
  findMessageMatching,
  findSharedValues,
} from '../lib/testing/errorCodeScan.js';
import { protocolErrorCodeLists } from '../protocol/errorRegistry.js';
import { engineErrorCodeLists } from './errorRegistry.js';

describe('engine error registry', () => {
  it('no code is written as a bare string in src/engine', () => {
    expect(findCodeLiterals('src/engine')).toEqual([]);
  });

  it('no error is classified by its message text in src/engine', () => {
    expect(findMessageMatching('src/engine')).toEqual([]);
  });

  it('no two entries share a value, within the layer or with src/protocol and src/lib', () => {
    expect(
      findSharedValues({ ...engineErrorCodeLists, ...protocolErrorCodeLists, lib: LibErrorCode }),
    ).toEqual({});
  });

  it('every code list declared in src/engine is gathered by the registry', () => {
    const declared = findDeclaredCodes('src/engine');
    const registered = codeValues(engineErrorCodeLists);
    expect(declared.map(({ code }) => code)).toContain('KEYS_BAD_SCHEDULE');
    expect(declared.filter(({ code }) => !registered.has(code))).toEqual([]);
  });

  it('NOT_CONNECTED is defined once, by the engine facade', () => {
    const holders = Object.entries(engineErrorCodeLists).flatMap(([list, codes]) =>
      Object.entries(codes)
        .filter(([, value]) => value === 'NOT_CONNECTED')
        .map(([key]) => `${list}.${key}`),
    );
    expect(holders).toEqual(['engine.notConnected']);
  });
});
