import { create } from '@bufbuild/protobuf';
import { createPrivateKey, sign } from 'node:crypto';
import { fromHex, toHex } from '../../lib/bytes.js';
import {
  CertificateAnnouncementSchema,
  certificateAnnouncementSignedBytes,
  MAX_CERTIFICATE_ANNOUNCEMENTS,
  type CertificateAnnouncement,
} from '../../protocol/index.js';
import { signingKeyId, signingPublicKey } from '../ops/signingKeys.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';

/** server_state row holding the signed certificate changes (JSON, newest first), published in Ping. */
export const CERTIFICATE_ANNOUNCEMENTS = 'certificate_announcements';

interface StoredAnnouncement {
  oldSha256: string;
  newSha256: string;
  at: number;
  keyId: string;
  signature: string;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Sign "the certificate old is replaced by new" with the server's signing key (seed from server_state). */
export function signCertificateChange(input: {
  seed: Uint8Array;
  oldSha256Hex: string;
  newSha256Hex: string;
  at: number;
}): CertificateAnnouncement {
  const keyId = signingKeyId(signingPublicKey(input.seed));
  const fields = {
    keyId,
    oldCertSha256: fromHex(input.oldSha256Hex),
    newCertSha256: fromHex(input.newSha256Hex),
    announcedAtMs: BigInt(input.at),
  };
  const bytes = certificateAnnouncementSignedBytes(fields);
  if (bytes === undefined) throw new RangeError('a certificate hash is not 32 bytes');
  const der = Buffer.concat([ED25519_PKCS8_PREFIX, input.seed]);
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  return create(CertificateAnnouncementSchema, {
    ...fields,
    signature: new Uint8Array(sign(null, bytes, key)),
  });
}

/** The stored announcements, newest first (at most MAX_CERTIFICATE_ANNOUNCEMENTS). */
export function readCertificateAnnouncements(db: ServerDatabase): CertificateAnnouncement[] {
  const row = db
    .prepare<[string], { value: Buffer }>('SELECT value FROM server_state WHERE name = ?')
    .get(CERTIFICATE_ANNOUNCEMENTS);
  if (row === undefined) return [];
  const stored = JSON.parse(row.value.toString('utf8')) as StoredAnnouncement[];
  return stored.map((entry) =>
    create(CertificateAnnouncementSchema, {
      oldCertSha256: fromHex(entry.oldSha256),
      newCertSha256: fromHex(entry.newSha256),
      announcedAtMs: BigInt(entry.at),
      keyId: fromHex(entry.keyId),
      signature: fromHex(entry.signature),
    }),
  );
}

/** Put a new announcement first and keep the newest MAX_CERTIFICATE_ANNOUNCEMENTS. */
export function storeCertificateAnnouncement(
  db: ServerDatabase,
  announcement: CertificateAnnouncement,
): void {
  const entries: StoredAnnouncement[] = [announcement, ...readCertificateAnnouncements(db)]
    .slice(0, MAX_CERTIFICATE_ANNOUNCEMENTS)
    .map((entry) => ({
      oldSha256: toHex(entry.oldCertSha256),
      newSha256: toHex(entry.newCertSha256),
      at: Number(entry.announcedAtMs),
      keyId: toHex(entry.keyId),
      signature: toHex(entry.signature),
    }));
  db.prepare<[string, Buffer]>('INSERT OR REPLACE INTO server_state (name, value) VALUES (?, ?)').run(
    CERTIFICATE_ANNOUNCEMENTS,
    Buffer.from(JSON.stringify(entries), 'utf8'),
  );
}
