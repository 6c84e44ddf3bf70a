/**
 * A chain of identity rotations, oldest first: key0 -> key1 -> key2. A member who last saw key0 (we
 * rotated twice while alone in a group) accepts key2 only through every link, each signed by the key
 * it replaces and by the key it introduces (rotationStatement.ts).
 *
 * Format: a single statement is encoded exactly as rotationCodec.ts does (version 0x01), so a one-link
 * move reads as before. Two links or more: 0x02 (version) | count (1 byte) | per link: length (2 bytes,
 * big-endian) | the link as a version 0x01 statement.
 */
import { concatBytes } from '../../lib/bytes.js';
import { CryptoError, ValidationError } from '../../lib/errors.js';
import { decodeRotationStatement, encodeRotationStatement } from './rotationCodec.js';
import { RotationErrorCode, verifyRotation, type RotationStatement } from './rotationStatement.js';

const SINGLE_VERSION = 1;
const CHAIN_VERSION = 2;
/** As many links as a restore searches keys (restoredIdentityIndex.ts): 64 rotations. */
export const MAX_CHAIN_LINKS = 64;

function malformed(why: string): ValidationError {
  return new ValidationError(RotationErrorCode.badStatement, `not an identity rotation chain: ${why}`);
}

export function encodeRotationChain(chain: readonly RotationStatement[]): Uint8Array {
  if (chain.length === 0 || chain.length > MAX_CHAIN_LINKS) throw malformed('wrong number of links');
  const [only] = chain;
  if (chain.length === 1 && only !== undefined) return encodeRotationStatement(only);
  const parts: Uint8Array[] = [Uint8Array.of(CHAIN_VERSION, chain.length)];
  for (const link of chain) {
    const bytes = encodeRotationStatement(link);
    parts.push(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff), bytes);
  }
  return concatBytes(...parts);
}

/** Throws IDENTITY_ROTATION_BAD_STATEMENT for anything that is not one statement or one whole chain. */
export function decodeRotationChain(bytes: Uint8Array): RotationStatement[] {
  if (bytes[0] === SINGLE_VERSION) return [decodeRotationStatement(bytes)];
  if (bytes[0] !== CHAIN_VERSION || bytes.length < 2) throw malformed('unknown version');
  const count = bytes[1] ?? 0;
  if (count < 2 || count > MAX_CHAIN_LINKS) throw malformed('wrong number of links');
  const chain: RotationStatement[] = [];
  let offset = 2;
  for (let index = 0; index < count; index += 1) {
    if (offset + 2 > bytes.length) throw malformed('cut short');
    const length = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
    offset += 2;
    if (offset + length > bytes.length) throw malformed('cut short');
    chain.push(decodeRotationStatement(bytes.subarray(offset, offset + length)));
    offset += length;
  }
  if (offset !== bytes.length) throw malformed('trailing bytes');
  return chain;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/**
 * Every link signed by both its keys, each link starting from the key the one before introduced, all for
 * one username, with growing key indexes. Throws IDENTITY_ROTATION_BAD_SIGNATURE or _BAD_STATEMENT.
 */
export function verifyRotationChain(chain: readonly RotationStatement[]): void {
  if (chain.length === 0 || chain.length > MAX_CHAIN_LINKS) throw malformed('wrong number of links');
  chain.forEach((link, index) => {
    verifyRotation(link);
    const before = chain[index - 1];
    if (before === undefined) return;
    if (!sameBytes(before.newKey, link.previousKey)) {
      throw new CryptoError(
        RotationErrorCode.badSignature,
        'a rotation link does not start where the last ended',
      );
    }
    if (before.username !== link.username || link.keyIndex <= before.keyIndex) {
      throw malformed('links of another account, or out of order');
    }
  });
}
