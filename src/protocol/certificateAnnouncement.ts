import { verify } from 'node:crypto';
import { concatBytes, toHex, utf8 } from '../lib/bytes.js';
import { ed25519PublicKey } from './deliveryProof.js';
import type { CertificateAnnouncement, SigningKey } from './gen/qpc/v1/ping_pb.js';
import { MAX_CERTIFICATE_ANNOUNCEMENTS, SIGNING_KEY_ID_BYTES } from './limits.js';

/** Domain-separation label: no other signature of the server's key can pass for a certificate change. */
export const CERTIFICATE_ANNOUNCEMENT_LABEL = 'qpc/v1 certificate-change';

/**
 * The bytes the server's Ed25519 signing key signs when its TLS certificate changes (docs/protocol.md
 * "Certificate change announcements"):
 *
 *   utf8(label) | 0x00 | key_id(8) | old_cert_sha256(32) | new_cert_sha256(32) | u64be(announced_at_ms)
 *
 * Fixed widths only, so two announcements never give the same bytes. Undefined for a field of the wrong size.
 */
export function certificateAnnouncementSignedBytes(fields: {
  keyId: Uint8Array;
  oldCertSha256: Uint8Array;
  newCertSha256: Uint8Array;
  announcedAtMs: bigint;
}): Uint8Array | undefined {
  if (
    fields.keyId.length !== SIGNING_KEY_ID_BYTES ||
    fields.oldCertSha256.length !== 32 ||
    fields.newCertSha256.length !== 32
  ) {
    return undefined;
  }
  const time = new Uint8Array(8);
  new DataView(time.buffer).setBigUint64(0, BigInt.asUintN(64, fields.announcedAtMs));
  return concatBytes(
    utf8(CERTIFICATE_ANNOUNCEMENT_LABEL),
    Uint8Array.of(0),
    fields.keyId,
    fields.oldCertSha256,
    fields.newCertSha256,
    time,
  );
}

/** One announcement checked against keys the client trusts; a retired key only for what it signed before. */
export function announcementVerifies(
  announcement: CertificateAnnouncement,
  trustedKeys: readonly SigningKey[],
): boolean {
  const bytes = certificateAnnouncementSignedBytes(announcement);
  if (bytes === undefined || announcement.signature.length !== 64) return false;
  const key = trustedKeys.find(
    (candidate) => candidate.publicKey.length === 32 && toHex(candidate.keyId) === toHex(announcement.keyId),
  );
  if (key === undefined) return false;
  if (key.retiredAtMs !== 0n && announcement.announcedAtMs >= key.retiredAtMs) return false;
  try {
    return verify(null, bytes, ed25519PublicKey(key.publicKey), announcement.signature);
  } catch {
    // A public key OpenSSL refuses to load verifies nothing: the announcement is not trusted.
    return false;
  }
}

/**
 * True when signed announcements lead from the pinned certificate to the presented one (one step per
 * rotation, at most MAX_CERTIFICATE_ANNOUNCEMENTS), each verifying against a key the client already
 * trusts. Anything else, including an unsigned or wrongly signed step, leaves the pin where it is.
 */
export function certificateChangeVerifies(
  pinnedSha256Hex: string,
  presentedSha256Hex: string,
  announcements: readonly CertificateAnnouncement[],
  trustedKeys: readonly SigningKey[],
): boolean {
  const valid = announcements.filter((announcement) => announcementVerifies(announcement, trustedKeys));
  let current = pinnedSha256Hex.toLowerCase();
  const target = presentedSha256Hex.toLowerCase();
  const seen = new Set<string>([current]);
  for (let step = 0; step < MAX_CERTIFICATE_ANNOUNCEMENTS; step += 1) {
    if (current === target) return step > 0;
    // Newest first: when a certificate was announced twice, the last announcement wins.
    const next = valid.find((announcement) => toHex(announcement.oldCertSha256) === current);
    if (next === undefined) return false;
    current = toHex(next.newCertSha256);
    if (seen.has(current) && current !== target) return false;
    seen.add(current);
  }
  return current === target;
}
