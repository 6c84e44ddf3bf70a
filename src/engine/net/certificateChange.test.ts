import { create } from '@bufbuild/protobuf';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../lib/bytes.js';
import {
  CertificateAnnouncementSchema,
  certificateAnnouncementSignedBytes,
  decodeRequest,
  encodeOkResponse,
  Method,
  SigningKeySchema,
  type CertificateAnnouncement,
  type SigningKey,
} from '../../protocol/index.js';
import { pinDecision, settleCertificate, type TrustedSigningKeys } from './certificateChange.js';
import { PinMismatchError, type QuicTransport } from './quicTransport.js';

const hashOf = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(label).digest());
const OLD = toHex(hashOf('old certificate'));
const NEW = toHex(hashOf('new certificate'));

function serverKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
  const keyId = new Uint8Array(createHash('sha256').update(raw).digest().subarray(0, 8));
  const published = create(SigningKeySchema, { keyId, publicKey: raw });
  const announce = (from: string, to: string): CertificateAnnouncement => {
    const fields = {
      keyId,
      oldCertSha256: Buffer.from(from, 'hex'),
      newCertSha256: Buffer.from(to, 'hex'),
      announcedAtMs: 1_000n,
    };
    const signature = sign(null, certificateAnnouncementSignedBytes(fields) ?? new Uint8Array(), privateKey);
    return create(CertificateAnnouncementSchema, { ...fields, signature: new Uint8Array(signature) });
  };
  return { published, announce };
}

/** A transport showing `certSha256` that answers Ping with these keys and announcements. */
function transportShowing(
  certSha256: string,
  ping: { keys: SigningKey[]; announcements: CertificateAnnouncement[] },
) {
  const requests: number[] = [];
  let closed = false;
  // Nothing of the user may go to a server whose certificate is not settled yet.
  let credentialsSent = false;
  const transport: QuicTransport = {
    serverCertSha256: certSha256,
    closed: new Promise<void>(() => undefined),
    openStream: () => {
      throw new Error('not used');
    },
    request: (payload) => {
      const request = decodeRequest(payload);
      requests.push(request.method);
      if (request.authToken !== undefined || request.bearer !== undefined) credentialsSent = true;
      return Promise.resolve(
        encodeOkResponse(Method.Ping, request.requestId, {
          signingKeys: ping.keys,
          certificateAnnouncements: ping.announcements,
        }),
      );
    },
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
  return { transport, requests, isClosed: () => closed, credentialsSent: () => credentialsSent };
}

function memory(initialPin: string | undefined, initialKeys: SigningKey[]) {
  const pins = new Map<string, string>();
  if (initialPin !== undefined) pins.set('srv', initialPin);
  let known = [...initialKeys];
  const keys: TrustedSigningKeys = {
    known: () => known,
    learn: (learned) => {
      known = [...known, ...learned.filter((key) => !known.some((k) => toHex(k.keyId) === toHex(key.keyId)))];
    },
  };
  return {
    pins: { get: (s: string) => pins.get(s), set: (s: string, h: string) => void pins.set(s, h) },
    keys,
    pinOf: () => pins.get('srv'),
    knownCount: () => known.length,
  };
}

const where = { server: 'srv', host: '127.0.0.1', port: 7443 };

describe('pinned certificates that change', () => {
  it('pins the certificate and the signing keys on first use', async () => {
    const key = serverKey();
    const state = memory(undefined, []);
    const fake = transportShowing(OLD, { keys: [key.published], announcements: [] });
    await settleCertificate(fake.transport, { ...where, pins: state.pins, keys: state.keys });
    expect(state.pinOf()).toBe(OLD);
    expect(state.knownCount()).toBe(1);
    expect(fake.requests).toEqual([Method.Ping]);
  });

  it('moves the pin along an announcement signed by the pinned key', async () => {
    const key = serverKey();
    const state = memory(OLD, [key.published]);
    expect(pinDecision(OLD, NEW, state.keys)).toBe('accept');
    const fake = transportShowing(NEW, { keys: [key.published], announcements: [key.announce(OLD, NEW)] });
    await settleCertificate(fake.transport, { ...where, pins: state.pins, keys: state.keys });
    expect(state.pinOf()).toBe(NEW);
    expect(fake.isClosed()).toBe(false);
    expect(fake.requests).toEqual([Method.Ping]);
    expect(fake.credentialsSent()).toBe(false);
  });

  it('refuses an unsigned change or one signed by another key, and keeps the pin', async () => {
    const key = serverKey();
    const impostor = serverKey();
    for (const announcements of [[], [impostor.announce(OLD, NEW)]]) {
      const state = memory(OLD, [key.published]);
      const fake = transportShowing(NEW, { keys: [impostor.published], announcements });
      await expect(
        settleCertificate(fake.transport, { ...where, pins: state.pins, keys: state.keys }),
      ).rejects.toBeInstanceOf(PinMismatchError);
      expect(state.pinOf()).toBe(OLD);
      expect(fake.isClosed()).toBe(true);
      expect(fake.requests).toEqual([Method.Ping]);
      expect(fake.credentialsSent()).toBe(false);
      // The impostor's keys were not learned either.
      expect(state.knownCount()).toBe(1);
    }
  });

  it('refuses a changed certificate during the handshake when no key is known to check it', () => {
    expect(pinDecision(OLD, NEW, memory(OLD, []).keys)).toBe('reject');
    expect(pinDecision(OLD, NEW, undefined)).toBe('reject');
    expect(pinDecision(OLD, OLD, undefined)).toBe('accept');
    expect(pinDecision(undefined, NEW, undefined)).toBe('accept');
  });
});
