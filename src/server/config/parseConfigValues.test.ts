import { describe, expect, it } from 'vitest';
import {
  formatHostPort,
  parseBoolean,
  parseDurationMs,
  parseHostPort,
  parsePositiveInteger,
} from './parseConfigValues.js';

describe('config value parsers', () => {
  it('parses host:port including bracketed IPv6 and rejects a bad port', () => {
    expect(parseHostPort('localhost:80', 'x')).toEqual({ host: 'localhost', port: 80 });
    expect(parseHostPort('[::1]:7443', 'x')).toEqual({ host: '::1', port: 7443 });
    expect(formatHostPort({ host: '::1', port: 7443 })).toBe('[::1]:7443');
    expect(() => parseHostPort('host:70000', 'QPC_LISTEN')).toThrow(/^QPC_LISTEN: /);
    expect(() => parseHostPort('::1:80', 'QPC_LISTEN')).toThrow(/^QPC_LISTEN: /);
    expect(() => parseHostPort(7443, 'listen')).toThrow(/^listen: /);
  });

  it('parses durations in every unit, a bare number as seconds', () => {
    expect(parseDurationMs('30d', 'x')).toBe(2_592_000_000);
    expect(parseDurationMs('12h', 'x')).toBe(43_200_000);
    expect(parseDurationMs('15m', 'x')).toBe(900_000);
    expect(parseDurationMs('500ms', 'x')).toBe(500);
    expect(parseDurationMs('45', 'x')).toBe(45_000);
    expect(parseDurationMs(60, 'x')).toBe(60_000);
    expect(() => parseDurationMs('0s', 'x')).toThrow();
    expect(() => parseDurationMs('-5s', 'x')).toThrow();
  });

  it('parses integers and booleans strictly', () => {
    expect(parsePositiveInteger('50', 'x')).toBe(50);
    expect(() => parsePositiveInteger('5.5', 'x')).toThrow();
    expect(() => parsePositiveInteger('1e3', 'x')).toThrow();
    expect(parseBoolean('1', 'x')).toBe(true);
    expect(parseBoolean('no', 'x')).toBe(false);
    expect(() => parseBoolean('maybe', 'x')).toThrow();
  });
});
