import { createHash } from 'node:crypto';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../lib/bytes.js';
import { QpcError } from '../../lib/errors.js';
import {
  SAFETY_NUMBER_ITERATIONS,
  renderSafetyNumberQr,
  safetyNumberErrorCodes,
  safetyNumberFor,
  safetyNumberPayloadsMatch,
  sideFingerprintOf,
  type SafetyNumberParty,
} from './safetyNumber.js';

// Public keys of RFC 8032 section 7.1, tests 1 and 2: fixed, real Ed25519 keys.
const alice: SafetyNumberParty = {
  identityKey: fromHex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'),
  username: 'alice',
};
const bob: SafetyNumberParty = {
  identityKey: fromHex('3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c'),
  username: 'bob',
};

/** Signal's algorithm written out again, differently (Buffer.concat, readUIntBE), as the reference. */
function referenceHalf(party: SafetyNumberParty): { digits: string; scannable: Buffer } {
  const key = Buffer.from(party.identityKey);
  let hash = Buffer.concat([Buffer.from([0, 0]), key, Buffer.from(party.username, 'utf8')]);
  for (let i = 0; i < 5200; i++)
    hash = createHash('sha512')
      .update(Buffer.concat([hash, key]))
      .digest();
  const digits = [0, 5, 10, 15, 20, 25]
    .map((offset) => (hash.readUIntBE(offset, 5) % 100000).toString().padStart(5, '0'))
    .join('');
  return { digits, scannable: hash.subarray(0, 32) };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof QpcError) return error.code;
    throw error;
  }
  return undefined;
}

describe('safety number', () => {
  const number = safetyNumberFor(alice, bob);

  it('is the same whichever side computes it', () => {
    const reversed = safetyNumberFor(bob, alice);
    expect(reversed.digits).toBe(number.digits);
    expect(reversed.display).toBe(number.display);
    expect(reversed.qrPayload).toEqual(number.qrPayload);
    expect(safetyNumberPayloadsMatch(reversed.qrPayload, number.qrPayload)).toBe(true);
  });

  it('is pinned for a fixed pair of keys, and that pin matches an independent recomputation', () => {
    expect(SAFETY_NUMBER_ITERATIONS).toBe(5200);
    const pinned = '130913229492263763132617449443' + '424931320961591809333972751357';
    expect(number.digits).toBe(pinned);
    const halves = [referenceHalf(alice), referenceHalf(bob)].sort((x, y) => (x.digits < y.digits ? -1 : 1));
    expect(halves.map((h) => h.digits).join('')).toBe(pinned);
    const expectedPayload = Buffer.concat([Buffer.from([1]), halves[0]!.scannable, halves[1]!.scannable]);
    expect(Buffer.from(number.qrPayload).equals(expectedPayload)).toBe(true);
    expect(sideFingerprintOf(alice).digits).toBe(referenceHalf(alice).digits);
  });

  it('has 60 digits shown as 12 groups of 5 on three lines', () => {
    expect(number.digits).toMatch(/^\d{60}$/u);
    expect(number.groups).toHaveLength(12);
    expect(number.groups.every((g) => /^\d{5}$/u.test(g))).toBe(true);
    expect(number.groups.join('')).toBe(number.digits);
    expect(number.display.split('\n').map((line) => line.split(' ').length)).toEqual([4, 4, 4]);
    expect(number.qrPayload).toHaveLength(65);
    expect(number.qrPayload[0]).toBe(1);
  });

  it('changes when either key changes, and when a username changes', () => {
    const otherKey = new Uint8Array(alice.identityKey);
    otherKey[31] = otherKey[31]! ^ 1;
    const variants = [
      safetyNumberFor({ ...alice, identityKey: otherKey }, bob),
      safetyNumberFor(alice, { ...bob, identityKey: otherKey }),
      safetyNumberFor({ ...alice, username: 'alicf' }, bob),
    ];
    for (const variant of variants) {
      expect(variant.digits).not.toBe(number.digits);
      expect(safetyNumberPayloadsMatch(variant.qrPayload, number.qrPayload)).toBe(false);
    }
    // Only the changed side's half moves: the other half is still in the number.
    expect(variants[0]!.digits).toContain(sideFingerprintOf(bob).digits);
    expect(variants[1]!.digits).toContain(sideFingerprintOf(alice).digits);
  });

  it('refuses bad keys, empty usernames and malformed payloads with stable codes', () => {
    expect(codeOf(() => safetyNumberFor({ ...alice, identityKey: new Uint8Array(31) }, bob))).toBe(
      safetyNumberErrorCodes.badKey,
    );
    expect(codeOf(() => safetyNumberFor(alice, { ...bob, username: '' }))).toBe(
      safetyNumberErrorCodes.badUsername,
    );
    expect(codeOf(() => safetyNumberPayloadsMatch(number.qrPayload.subarray(1), number.qrPayload))).toBe(
      safetyNumberErrorCodes.badPayload,
    );
    const wrongVersion = new Uint8Array(number.qrPayload);
    wrongVersion[0] = 2;
    expect(codeOf(() => safetyNumberPayloadsMatch(wrongVersion, number.qrPayload))).toBe(
      safetyNumberErrorCodes.unsupportedVersion,
    );
  });
});

describe('safety number QR code', () => {
  const payload = safetyNumberFor(alice, bob).qrPayload;

  it('encodes the payload bytes in one byte-mode segment', () => {
    const code = QRCode.create([{ mode: 'byte', data: payload }], { errorCorrectionLevel: 'M' });
    expect(code.segments).toHaveLength(1);
    expect(code.segments[0]!.mode.id).toBe('Byte');
    expect(Buffer.from(code.segments[0]!.data as Uint8Array).equals(Buffer.from(payload))).toBe(true);
  });

  it('renders as text for a terminal, the same for the same payload and different for another', async () => {
    const text = await renderSafetyNumberQr(payload);
    const lines = text.trim().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(text).toMatch(/[█▀▄]/u);
    expect(await renderSafetyNumberQr(payload)).toBe(text);
    const other = safetyNumberFor(alice, { ...bob, username: 'carol' }).qrPayload;
    expect(await renderSafetyNumberQr(other)).not.toBe(text);
    expect(await renderSafetyNumberQr(payload, 'terminal')).toContain('\u001b[');
    await expect(renderSafetyNumberQr(new Uint8Array(3))).rejects.toMatchObject({
      code: safetyNumberErrorCodes.badPayload,
    });
  });
});
