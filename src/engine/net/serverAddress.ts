import { isIP } from 'node:net';
import { ValidationError } from '../../lib/errors.js';
import { EngineErrorCode } from '../engineErrors.js';

/** Where a qpc-server listens; the text form "host:port" (or "[v6]:port") is also the pin key. */
export interface ServerAddress {
  host: string;
  port: number;
}

export function parseServerAddress(text: string): ServerAddress {
  const trimmed = text.trim();
  const match = /^\[([^\]]+)\]:(\d{1,5})$/u.exec(trimmed) ?? /^([^:[\]]+):(\d{1,5})$/u.exec(trimmed);
  const port = match === null ? NaN : Number(match[2]);
  if (match === null || !Number.isInteger(port) || port < 1 || port > 65_535) {
    throw new ValidationError(EngineErrorCode.badServerAddress, `"${text}" is not HOST:PORT`, {
      hint: 'for example --server 127.0.0.1:7443',
    });
  }
  return { host: match[1] ?? '', port };
}

export function formatServerAddress(address: ServerAddress): string {
  return isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
}

/**
 * TLS needs a DNS name that the certificate lists (QUIC verifies the name, never an IP). Development certificates name
 * "localhost", so an IP literal is checked against that; a DNS host is used as it is.
 */
export function defaultServerName(address: ServerAddress): string {
  return isIP(address.host) === 0 ? address.host : 'localhost';
}
