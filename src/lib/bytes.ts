import { timingSafeEqual } from 'node:crypto';
import { LibErrorCode, ValidationError } from './errors.js';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Strict hex: even length, hex digits only (Buffer.from would silently truncate at a bad digit). */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.trim();
  if (!HEX.test(clean)) {
    throw new ValidationError(LibErrorCode.badHex, 'expected an even number of hexadecimal digits');
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Overwrite secret bytes in place. JavaScript may still hold copies elsewhere (see docs/key-lifecycle.md). */
export function wipe(...buffers: (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}

/** Constant-time comparison; different lengths compare unequal without leaking where they differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export function fromUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** A Uint8Array that owns exactly its bytes (a Buffer from a pool may share memory with others). */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}
