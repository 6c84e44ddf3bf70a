import { createPrivateKey, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  DeliveryReceiptSchema,
  deliveryProofSignedBytes,
  envelopeSha256,
  MAX_SERVER_NAME_BYTES,
  recipientQueueHash,
  type DeliveryReceipt,
} from '../../protocol/index.js';
import { utf8 } from '../../lib/bytes.js';
import type { ServerDatabase } from '../storage/openServerDatabase.js';

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The name a proof carries: the certificate's first DNS name, else its common name, else ''. */
export function certificateServerName(certDer: Uint8Array): string {
  const certificate = new X509Certificate(certDer);
  const dns = (certificate.subjectAltName ?? '')
    .split(', ')
    .find((entry) => entry.startsWith('DNS:'))
    ?.slice(4);
  const commonName = /(?:^|\n)CN=([^\n]*)/u.exec(certificate.subject)?.[1];
  const name = dns ?? commonName ?? '';
  return utf8(name).length > MAX_SERVER_NAME_BYTES ? '' : name;
}

/**
 * Signs a delivery proof for each copy accepted into a queue. Sequences come from queue_sequences in
 * the caller's transaction, so a rolled-back Enqueue leaves no gap and no proof of something unstored.
 */
export class DeliveryProofs {
  private readonly key: KeyObject;
  private readonly nextSequence;

  constructor(
    db: ServerDatabase,
    private readonly identity: { serverName: string; signingKeySeed: Uint8Array; keyId: Uint8Array },
  ) {
    const der = Buffer.concat([ED25519_PKCS8_PREFIX, identity.signingKeySeed]);
    this.key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    der.fill(0);
    this.nextSequence = db
      .prepare<[Buffer], { last_sequence: bigint }>(
        `INSERT INTO queue_sequences (recipient, last_sequence) VALUES (?, 1)
         ON CONFLICT (recipient) DO UPDATE SET last_sequence = last_sequence + 1
         RETURNING last_sequence`,
      )
      .safeIntegers(true);
  }

  /** Call inside the transaction that stores the copy. */
  issue(input: {
    recipient: Uint8Array;
    payload: Uint8Array;
    acceptedAtMs: number;
    keepUntilMs: number;
  }): DeliveryReceipt {
    const sequence = this.nextSequence.get(Buffer.from(input.recipient))?.last_sequence;
    if (sequence === undefined) throw new Error('queue_sequences returned no row');
    const fields = {
      serverName: this.identity.serverName,
      keyId: this.identity.keyId,
      recipientQueueHash: recipientQueueHash(input.recipient),
      envelopeSha256: envelopeSha256(input.payload),
      sequence,
      acceptedAtMs: BigInt(input.acceptedAtMs),
      keepUntilMs: BigInt(input.keepUntilMs),
    };
    const bytes = deliveryProofSignedBytes(fields);
    if (bytes === undefined) throw new Error('a delivery proof field has the wrong size');
    return create(DeliveryReceiptSchema, {
      ...fields,
      signature: new Uint8Array(sign(null, bytes, this.key)),
    });
  }
}

/** Proofs of one Enqueue answer as stored in enqueue_receipts.delivery_receipts: u32be length | receipt, repeated. */
export function encodeReceiptList(receipts: readonly DeliveryReceipt[]): Buffer {
  const parts: Buffer[] = [];
  for (const receipt of receipts) {
    const bytes = toBinary(DeliveryReceiptSchema, receipt);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, Buffer.from(bytes));
  }
  return Buffer.concat(parts);
}

export function decodeReceiptList(stored: Buffer | null): DeliveryReceipt[] {
  const receipts: DeliveryReceipt[] = [];
  if (stored === null) return receipts;
  let offset = 0;
  while (offset + 4 <= stored.length) {
    const length = stored.readUInt32BE(offset);
    receipts.push(fromBinary(DeliveryReceiptSchema, stored.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  return receipts;
}
