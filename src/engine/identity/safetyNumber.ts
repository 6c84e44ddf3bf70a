/**
 * Safety numbers: what two people compare (read aloud or scan) to be sure that each one holds the
 * other's real identity key, in the manner of Signal's NumericFingerprintGenerator.
 *
 * Per side: h = SHA-512(version(2, BE) || identityKey(32) || utf8(username)), then 5200 times
 * h = SHA-512(h || identityKey) (Signal's iteration count; about 5 ms here, and it makes a search for
 * a key whose number collides with a target 5200 times dearer). The first 30 bytes of h become 30
 * digits: six 5-byte chunks, each read as a big-endian integer modulo 100000, written as 5 digits.
 * The first 32 bytes of h are that side's scannable fingerprint.
 *
 * The pair: the two 30-digit halves sorted as strings and concatenated, 60 digits shown as 12 groups
 * of 5, so both sides compute the same number. The QR payload carries the version and both scannable
 * fingerprints in the same order: version(1) || fingerprint(32) || fingerprint(32), 65 bytes.
 */
import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { constantTimeEqual, utf8 } from '../../lib/bytes.js';
import { CodecError, ValidationError } from '../../lib/errors.js';

/** Version mixed into every hash: bump it and every safety number changes. */
export const SAFETY_NUMBER_VERSION = 0;
export const SAFETY_NUMBER_ITERATIONS = 5200;
/** First byte of the QR payload. */
export const SAFETY_NUMBER_QR_VERSION = 1;
export const SAFETY_NUMBER_QR_PAYLOAD_BYTES = 1 + 32 + 32;
const DIGITS_PER_SIDE = 30;
const SCANNABLE_BYTES = 32;

export const safetyNumberErrorCodes = {
  badKey: 'SAFETY_NUMBER_BAD_KEY',
  badUsername: 'SAFETY_NUMBER_BAD_USERNAME',
  badPayload: 'SAFETY_NUMBER_BAD_PAYLOAD',
  unsupportedVersion: 'SAFETY_NUMBER_UNSUPPORTED_VERSION',
} as const;

/** One side of the pair: an Ed25519 identity public key and the username it is registered under. */
export interface SafetyNumberParty {
  identityKey: Uint8Array;
  username: string;
}

export interface SideFingerprint {
  /** 30 decimal digits. */
  digits: string;
  /** 32 bytes, for the QR payload. */
  scannable: Uint8Array;
}

export interface SafetyNumber {
  /** 60 decimal digits, the smaller half first. */
  digits: string;
  /** 12 groups of 5 digits. */
  groups: string[];
  /** The groups as three lines of four, as a person reads them. */
  display: string;
  /** What the QR code encodes (65 bytes); equal on both sides. */
  qrPayload: Uint8Array;
}

/** The 30-digit half and the 32-byte scannable fingerprint of one party. */
export function sideFingerprintOf(party: SafetyNumberParty): SideFingerprint {
  if (party.identityKey.length !== 32) {
    throw new ValidationError(safetyNumberErrorCodes.badKey, 'an Ed25519 identity key has 32 bytes');
  }
  if (party.username.length === 0) {
    throw new ValidationError(safetyNumberErrorCodes.badUsername, 'a safety number needs both usernames');
  }
  const version = new Uint8Array([SAFETY_NUMBER_VERSION >> 8, SAFETY_NUMBER_VERSION & 0xff]);
  let hash: Uint8Array = createHash('sha512')
    .update(version)
    .update(party.identityKey)
    .update(utf8(party.username))
    .update(party.identityKey)
    .digest();
  // The first round above hashes version || key || id || key; the remaining rounds hash h || key.
  for (let i = 1; i < SAFETY_NUMBER_ITERATIONS; i++) {
    hash = createHash('sha512').update(hash).update(party.identityKey).digest();
  }
  let digits = '';
  for (let offset = 0; offset < DIGITS_PER_SIDE; offset += 5) {
    // 5 bytes = 40 bits: exact in a double (53 bits), so plain arithmetic is safe.
    let chunk = 0;
    for (let i = 0; i < 5; i++) chunk = chunk * 256 + hash[offset + i]!;
    digits += String(chunk % 100_000).padStart(5, '0');
  }
  return { digits, scannable: new Uint8Array(hash.subarray(0, SCANNABLE_BYTES)) };
}

/** The safety number of two parties; the same whichever of them is `a`. */
export function safetyNumberFor(a: SafetyNumberParty, b: SafetyNumberParty): SafetyNumber {
  const sides = [sideFingerprintOf(a), sideFingerprintOf(b)].sort((x, y) =>
    x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0,
  );
  const [first, second] = sides as [SideFingerprint, SideFingerprint];
  const digits = first.digits + second.digits;
  const groups = digits.match(/\d{5}/gu) ?? [];
  const display = [0, 4, 8].map((start) => groups.slice(start, start + 4).join(' ')).join('\n');
  const qrPayload = new Uint8Array(SAFETY_NUMBER_QR_PAYLOAD_BYTES);
  qrPayload[0] = SAFETY_NUMBER_QR_VERSION;
  qrPayload.set(first.scannable, 1);
  qrPayload.set(second.scannable, 1 + SCANNABLE_BYTES);
  return { digits, groups, display, qrPayload };
}

function assertPayload(payload: Uint8Array): void {
  if (payload.length !== SAFETY_NUMBER_QR_PAYLOAD_BYTES) {
    throw new CodecError(
      safetyNumberErrorCodes.badPayload,
      `a safety number QR payload has ${SAFETY_NUMBER_QR_PAYLOAD_BYTES} bytes, got ${payload.length}`,
    );
  }
  if (payload[0] !== SAFETY_NUMBER_QR_VERSION) {
    throw new CodecError(
      safetyNumberErrorCodes.unsupportedVersion,
      `unknown safety number version ${payload[0]}`,
      { hint: 'both sides need a quicprochat that speaks the same safety number version' },
    );
  }
}

/**
 * True when a scanned payload matches ours. Malformed input (wrong length or version) throws a
 * CodecError: that is "the scan is not a quicprochat safety number", not "the keys differ".
 */
export function safetyNumberPayloadsMatch(scanned: Uint8Array, ours: Uint8Array): boolean {
  assertPayload(scanned);
  assertPayload(ours);
  return constantTimeEqual(scanned, ours);
}

export type SafetyNumberQrStyle = 'utf8' | 'terminal';

/**
 * The QR code of a payload as text for a terminal: 'utf8' (half blocks, works in any UTF-8 terminal
 * and in tests) or 'terminal' (ANSI colours). The payload goes in one byte-mode segment.
 */
export async function renderSafetyNumberQr(
  payload: Uint8Array,
  style: SafetyNumberQrStyle = 'utf8',
): Promise<string> {
  assertPayload(payload);
  const segments = [{ mode: 'byte' as const, data: payload }];
  if (style === 'terminal') return QRCode.toString(segments, { type: 'terminal', small: true });
  return QRCode.toString(segments, { type: 'utf8', errorCorrectionLevel: 'M' });
}
