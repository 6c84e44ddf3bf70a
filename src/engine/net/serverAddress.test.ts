import { describe, expect, it } from 'vitest';
import { defaultServerName, formatServerAddress, parseServerAddress } from './serverAddress.js';

describe('server addresses', () => {
  it('parses host:port and [v6]:port and formats them back', () => {
    expect(parseServerAddress('127.0.0.1:7443')).toEqual({ host: '127.0.0.1', port: 7443 });
    expect(parseServerAddress('chat.example.org:443')).toEqual({ host: 'chat.example.org', port: 443 });
    expect(formatServerAddress(parseServerAddress('[::1]:7443'))).toBe('[::1]:7443');
  });

  it('refuses what is not HOST:PORT', () => {
    for (const bad of ['localhost', ':7443', 'h:0', 'h:70000', 'h:p', '::1:7443']) {
      expect(() => parseServerAddress(bad), bad).toThrow(/HOST:PORT/u);
    }
  });

  it('checks IP literals against the development certificate name', () => {
    expect(defaultServerName({ host: '127.0.0.1', port: 1 })).toBe('localhost');
    expect(defaultServerName({ host: 'chat.example.org', port: 1 })).toBe('chat.example.org');
  });
});
