import { create } from '@bufbuild/protobuf';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toHex } from '../lib/bytes.js';
import {
  announcementVerifies,
  certificateAnnouncementSignedBytes,
  certificateChangeVerifies,
} from './certificateAnnouncement.js';
import { CertificateAnnouncementSchema, SigningKeySchema, type SigningKey } from './gen/qpc/v1/ping_pb.js';

function serverKey(retiredAtMs = 0n): { privateKey: KeyObject; published: SigningKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = new Uint8Array(Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url'));
  const keyId = new Uint8Array(createHash('sha256').update(raw).digest().subarray(0, 8));
  return { privateKey, published: create(SigningKeySchema, { keyId, publicKey: raw, retiredAtMs }) };
}

const hash = (label: string): Uint8Array => new Uint8Array(createHash('sha256').update(label).digest());

function announce(
  key: { privateKey: KeyObject; published: SigningKey },
  from: string,
  to: string,
  at = 1_000n,
) {
  const fields = {
    keyId: key.published.keyId,
    oldCertSha256: hash(from),
    newCertSha256: hash(to),
    announcedAtMs: at,
  };
  const bytes = certificateAnnouncementSignedBytes(fields);
  if (bytes === undefined) throw new Error('bad fields');
  return create(CertificateAnnouncementSchema, {
    ...fields,
    signature: new Uint8Array(sign(null, bytes, key.privateKey)),
  });
}

describe('certificate change announcements', () => {
  const key = serverKey();
  const trusted = [key.published];

  it('lead from the pinned certificate to the presented one, over several rotations', () => {
    const steps = [announce(key, 'B', 'C', 2_000n), announce(key, 'A', 'B')];
    expect(certificateChangeVerifies(toHex(hash('A')), toHex(hash('B')), steps, trusted)).toBe(true);
    expect(certificateChangeVerifies(toHex(hash('A')), toHex(hash('C')), steps, trusted)).toBe(true);
    expect(certificateChangeVerifies(toHex(hash('B')), toHex(hash('C')), steps, trusted)).toBe(true);
  });

  it('prove nothing without a step from the pinned certificate, or for the pinned one itself', () => {
    const steps = [announce(key, 'A', 'B')];
    expect(certificateChangeVerifies(toHex(hash('X')), toHex(hash('B')), steps, trusted)).toBe(false);
    expect(certificateChangeVerifies(toHex(hash('A')), toHex(hash('C')), steps, trusted)).toBe(false);
    expect(certificateChangeVerifies(toHex(hash('A')), toHex(hash('A')), steps, trusted)).toBe(false);
    expect(certificateChangeVerifies(toHex(hash('A')), toHex(hash('B')), [], trusted)).toBe(false);
  });

  it('are refused when signed by another key, altered, or checked with no trusted key', () => {
    const impostor = serverKey();
    const forged = announce(impostor, 'A', 'B');
    expect(certificateChangeVerifies(toHex(hash('A')), toHex(hash('B')), [forged], trusted)).toBe(false);
    // The trusted key's id on the impostor's signature.
    const borrowedId = create(CertificateAnnouncementSchema, { ...forged, keyId: key.published.keyId });
    expect(announcementVerifies(borrowedId, trusted)).toBe(false);
    const genuine = announce(key, 'A', 'B');
    const redirected = create(CertificateAnnouncementSchema, { ...genuine, newCertSha256: hash('evil') });
    expect(announcementVerifies(genuine, trusted)).toBe(true);
    expect(announcementVerifies(redirected, trusted)).toBe(false);
    expect(announcementVerifies(genuine, [])).toBe(false);
    const truncated = create(CertificateAnnouncementSchema, {
      ...genuine,
      signature: genuine.signature.subarray(1),
    });
    expect(announcementVerifies(truncated, trusted)).toBe(false);
  });

  it('from a retired key count only when made before its retirement', () => {
    const retired = serverKey(5_000n);
    expect(announcementVerifies(announce(retired, 'A', 'B', 4_000n), [retired.published])).toBe(true);
    expect(announcementVerifies(announce(retired, 'A', 'B', 6_000n), [retired.published])).toBe(false);
  });
});
